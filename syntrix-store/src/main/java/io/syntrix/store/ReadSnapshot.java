package io.syntrix.store;

/**
 * A read-only view of the store as of commit {@link #seq()}: it sees every write with a seq up
 * to and including it and none after. A realtime snapshot read at that seq, followed by the
 * changes after it, shows each change exactly once. Not thread-safe to close while reading.
 */
public interface ReadSnapshot extends ReadView, AutoCloseable {
  /** The last commit this view includes, with every commit before it. */
  long seq();

  /**
   * True when the change-log entry {@code entrySeq} (one read from the log) is already reflected
   * in this view. Every entry up to {@link #seq()} is; on an engine whose visibility order is not
   * its commit order (PostgreSQL) a few later ones may be too, and a reader that follows the
   * snapshot with the log must skip those to show each change once.
   */
  default boolean includes(long entrySeq) {
    return entrySeq <= seq();
  }

  /**
   * A seq after which no entry is {@link #includes included}, or -1 while that is not known yet
   * (changes this view shows may still be waiting for their seq). A reader that follows the
   * snapshot with the log must read through it, skipping what is included, before treating what
   * it has as complete. Still answers after {@link #close}.
   */
  default long settledThrough() {
    return seq();
  }

  @Override
  void close();
}
