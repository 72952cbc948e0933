package io.syntrix.store.rocksdb;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.DocumentPath;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.ChangeLogTruncatedException;
import io.syntrix.store.spi.ChangeCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.rocksdb.RocksIterator;

/** The change log read side: entries live in the {@code changes} column family keyed by seq. */
final class RocksChangeLog implements ChangeLog {
  /** Bytes of each value {@link #readCollection} copies to read its header (database and path names). */
  private static final int HEAD = 512;
  private final Engine engine;
  private final Committer committer;

  RocksChangeLog(Engine engine, Committer committer) {
    this.engine = engine;
    this.committer = committer;
  }

  @Override
  public long lastSeq() {
    return committer.lastSeq();
  }

  @Override
  public long firstSeq() {
    return committer.firstSeq();
  }

  /**
   * Reads at most up to the published {@link #lastSeq()}, so a reader never sees an entry before
   * its waiters and listeners could. A gap at the front means retention purged it meanwhile.
   */
  @Override
  public List<ChangeEvent> read(long afterSeq, int max) {
    long last = lastSeq();
    long first = firstSeq();
    if (afterSeq + 1 < first && afterSeq < last) {
      throw new ChangeLogTruncatedException(afterSeq, first);
    }
    List<ChangeEvent> out = new ArrayList<>((int) Math.min(max, Math.max(0, last - afterSeq)));
    try (RocksIterator it = engine.db.newIterator(engine.changes)) {
      it.seek(Keys.seq(afterSeq + 1));
      long expected = afterSeq + 1;
      for (; it.isValid() && out.size() < max; it.next()) {
        long seq = Keys.seqOf(it.key());
        if (seq > last) {
          break;
        }
        if (seq != expected) {
          throw new ChangeLogTruncatedException(afterSeq, seq);
        }
        out.add(ChangeCodec.decode(seq, it.value()));
        expected++;
      }
      if (out.isEmpty() && expected <= last) {
        throw new ChangeLogTruncatedException(afterSeq, firstSeq());
      }
    }
    return out;
  }

  /**
   * A bounded scan like {@link #read}, with the same truncation checks, that copies only the
   * first bytes of each value (most headers fit in {@link #HEAD}) and decodes only the paths of
   * matching entries.
   */
  @Override
  public CollectionChanges readCollection(long afterSeq, int maxExamined, String database, CollectionPath collection) {
    long last = lastSeq();
    long first = firstSeq();
    if (afterSeq + 1 < first && afterSeq < last) {
      throw new ChangeLogTruncatedException(afterSeq, first);
    }
    CollectionFilter filter = new CollectionFilter(database, collection);
    List<ChangedPath> out = new ArrayList<>();
    byte[] head = new byte[HEAD];
    long examinedTo = afterSeq;
    try (RocksIterator it = engine.db.newIterator(engine.changes)) {
      it.seek(Keys.seq(afterSeq + 1));
      for (; it.isValid() && examinedTo - afterSeq < maxExamined; it.next()) {
        long seq = Keys.seqOf(it.key());
        if (seq > last) {
          break;
        }
        if (seq != examinedTo + 1) {
          throw new ChangeLogTruncatedException(afterSeq, seq);
        }
        int size = it.value(head);
        byte[] header = CollectionFilter.headerLength(head, Math.min(size, head.length)) >= 0 ? head : it.value();
        DocumentPath path = filter.match(header);
        if (path != null) {
          out.add(new ChangedPath(seq, path));
        }
        examinedTo = seq;
      }
      if (examinedTo == afterSeq && afterSeq < last && maxExamined > 0) {
        throw new ChangeLogTruncatedException(afterSeq, firstSeq());
      }
    }
    return new CollectionChanges(out, examinedTo);
  }

  @Override
  public long awaitAfter(long afterSeq, long timeout, TimeUnit unit) throws InterruptedException {
    return committer.awaitAfter(afterSeq, timeout, unit);
  }

  @Override
  public AutoCloseable onCommit(LongConsumer listener) {
    return committer.onCommit(listener);
  }
}
