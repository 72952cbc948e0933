package io.syntrix.store.rocksdb;

import io.syntrix.store.ReadSnapshot;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;

/**
 * A RocksDB snapshot and the seq it holds (taken under the committer's publication lock, so
 * the two agree). Every read goes through read options pinned to the snapshot. Closing releases
 * the snapshot and any cursor left open on it.
 */
final class RocksReadSnapshot extends RocksReads implements ReadSnapshot {
  private final Engine engine;
  private final Snapshot snapshot;
  private final long seq;
  private boolean closed;

  /** @param overflowEntries the store's overflow entries when the snapshot was taken (or more) */
  RocksReadSnapshot(Engine engine, Snapshot snapshot, long seq, long overflowEntries) {
    super(engine, new ReadOptions().setSnapshot(snapshot), () -> overflowEntries);
    this.engine = engine;
    this.snapshot = snapshot;
    this.seq = seq;
  }

  @Override
  public long seq() {
    return seq;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    release();
    engine.db.releaseSnapshot(snapshot);
  }
}
