package io.syntrix.store.rocksdb;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.ResourcePaths;
import io.syntrix.store.Cursor;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.ReadView;
import io.syntrix.store.StoreException;
import java.util.Optional;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;

/**
 * Document reads and scans through one {@link ReadOptions}: the live data for the store
 * itself, a pinned snapshot for {@link RocksReadSnapshot}. Thread-safe; cursors are not.
 */
class RocksReads implements ReadView {
  private final Engine engine;
  final ReadOptions options;
  private final RocksCursors cursors;

  /** @param overflowEntries see {@link RocksCursors} */
  RocksReads(Engine engine, ReadOptions options, java.util.function.LongSupplier overflowEntries) {
    this.engine = engine;
    this.options = options;
    this.cursors = new RocksCursors(engine, options, overflowEntries);
  }

  @Override
  public Optional<Document> get(String database, DocumentPath path, boolean includeDeleted) {
    ResourcePaths.requireDatabase(database);
    try {
      Document d = engine.readDocument(options, Keys.document(database, path), path);
      return d == null || (d.deleted() && !includeDeleted) ? Optional.empty() : Optional.of(d);
    } catch (RocksDBException e) {
      throw StoreException.unavailable("cannot read '" + path + "': " + e.getMessage(), e);
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

  /** Closes cursors a caller left open, then the read options. */
  void release() {
    cursors.closeAll();
    options.close();
  }
}
