package io.syntrix.store;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.DocumentPath;
import java.util.ArrayList;
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
   * The entries after {@code afterSeq} that wrote a document directly in {@code collection} of
   * {@code database}, in seq order, as (seq, path) without their documents, looking at no more
   * than {@code maxExamined} entries. The log is one sequence for every database with no index by
   * database or collection, so this is a bounded scan; a reader continues after
   * {@link CollectionChanges#examinedTo()}. Implementations skip other entries as cheaply as they
   * can (the default decodes each one; RocksDB compares the entry's header bytes).
   *
   * @throws ChangeLogTruncatedException if entries after {@code afterSeq} were already purged
   */
  default CollectionChanges readCollection(long afterSeq, int maxExamined, String database, CollectionPath collection) {
    List<ChangeEvent> entries = read(afterSeq, maxExamined);
    List<ChangedPath> changes = new ArrayList<>();
    for (ChangeEvent e : entries) {
      if (e.database().equals(database) && e.path().collection().equals(collection)) {
        changes.add(new ChangedPath(e.seq(), e.path()));
      }
    }
    return new CollectionChanges(changes, entries.isEmpty() ? afterSeq : entries.get(entries.size() - 1).seq());
  }

  /** One entry of a {@link #readCollection} answer: its seq and the document it wrote. */
  record ChangedPath(long seq, DocumentPath path) {}

  /**
   * What one {@link #readCollection} found: the matching entries, and the last seq it looked at
   * ({@code afterSeq} when there was nothing after it).
   */
  record CollectionChanges(List<ChangedPath> changes, long examinedTo) {
    public CollectionChanges {
      changes = List.copyOf(changes);
    }
  }

  /**
   * Blocks until an entry with seq greater than {@code afterSeq} is committed or the timeout
   * passes; returns {@link #lastSeq()} (compare it with {@code afterSeq} to tell which).
   */
  long awaitAfter(long afterSeq, long timeout, TimeUnit unit) throws InterruptedException;

  /** Calls {@code listener} with the new last seq after each commit; close the result to stop. */
  AutoCloseable onCommit(LongConsumer listener);
}
