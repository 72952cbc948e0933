package io.syntrix.store;

/**
 * A read-only view of the store as of commit {@link #seq()}: it sees every write with a seq up
 * to and including it and none after. A realtime snapshot read at that seq, followed by the
 * changes after it, shows each change exactly once. Not thread-safe to close while reading.
 */
public interface ReadSnapshot extends ReadView, AutoCloseable {
  /** The last commit this view includes. */
  long seq();

  @Override
  void close();
}
