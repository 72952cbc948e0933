package io.syntrix.store;

import io.syntrix.model.ChangeEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * The commit-ordered log of every write, across all databases. Entry {@code seq} values are
 * gap-free and strictly increasing; entries older than the retention period are purged from the
 * front.
 *
 * <p>Thread model: every method may be called from any thread. {@link #onCommit} listeners run
 * on the store's committer thread and must return quickly without blocking.
 */
public interface ChangeLog {
  /** The highest committed seq, 0 before the first write. */
  long lastSeq();

  /** The lowest seq still retained ({@code lastSeq() + 1} when every entry has been purged). */
  long firstSeq();

  /**
   * Up to {@code max} entries with seq greater than {@code afterSeq}, in seq order.
   *
   * @throws ChangeLogTruncatedException if entries after {@code afterSeq} were already purged
   */
  List<ChangeEvent> read(long afterSeq, int max);

  /**
   * Blocks until an entry with seq greater than {@code afterSeq} is committed or the timeout
   * passes; returns {@link #lastSeq()} (compare it with {@code afterSeq} to tell which).
   */
  long awaitAfter(long afterSeq, long timeout, TimeUnit unit) throws InterruptedException;

  /** Calls {@code listener} with the new last seq after each commit; close the result to stop. */
  AutoCloseable onCommit(LongConsumer listener);
}
