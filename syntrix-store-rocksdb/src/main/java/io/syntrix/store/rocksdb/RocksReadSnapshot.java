package io.syntrix.store.rocksdb;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.ResourcePaths;
import io.syntrix.store.Cursor;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.store.StoreException;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;

/**
 * A RocksDB snapshot and the seq it holds (taken under the committer's publication lock, so
 * the two agree). Every read goes through one {@link ReadOptions} pinned to the snapshot.
 * Closing releases the snapshot and any cursor left open on it.
 */
final class RocksReadSnapshot implements ReadSnapshot {
  private final Engine engine;
  private final Snapshot snapshot;
  private final ReadOptions options;
  private final RocksCursors cursors;
  private final long seq;
  private boolean closed;

  RocksReadSnapshot(Engine engine, Snapshot snapshot, long seq) {
    this.engine = engine;
    this.snapshot = snapshot;
    this.options = new ReadOptions().setSnapshot(snapshot);
    this.cursors = new RocksCursors(engine, options);
    this.seq = seq;
  }

  @Override
  public long seq() {
    return seq;
  }

  @Override
  public Optional<Document> get(String database, DocumentPath path, boolean includeDeleted) {
    ResourcePaths.requireDatabase(database);
    try {
      Document d = engine.readDocument(options, Keys.document(database, path), path);
      return d == null || (d.deleted() && !includeDeleted) ? Optional.empty() : Optional.of(d);
    } catch (RocksDBException e) {
      throw StoreException.unavailable("cannot read '" + path + "' at seq " + seq + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Cursor<Document> scanCollection(String database, CollectionPath collection, String startAfterId,
                                         boolean includeDeleted, boolean descending) {
    ResourcePaths.requireDatabase(database);
    return cursors.collection(database, collection, startAfterId, includeDeleted, descending);
  }

  @Override
  public Cursor<IndexEntry> scanIndex(String database, CollectionPath collection, String field, IndexRange range,
                                      boolean descending, IndexEntry startAfter) {
    ResourcePaths.requireDatabase(database);
    return cursors.index(database, collection, field, range, descending, startAfter);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    cursors.closeAll();
    options.close();
    engine.db.releaseSnapshot(snapshot);
  }
}
