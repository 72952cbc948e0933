package io.syntrix.query;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.store.Cursor;
import io.syntrix.store.ReadView;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import java.util.List;
import java.util.Optional;

/**
 * The store as one query run sees it: one database and collection, tombstones hidden unless the
 * query shows them, and a count of every document and index entry read. Not thread-safe.
 */
final class Reader {
  private final ReadView store;
  private final String database;
  private final CollectionPath collection;
  private final boolean showDeleted;
  long documentsExamined;
  long indexEntriesRead;

  Reader(ReadView store, String database, CollectionPath collection, boolean showDeleted) {
    this.store = store;
    this.database = database;
    this.collection = collection;
    this.showDeleted = showDeleted;
  }

  /** The document with this id, or null when absent or a tombstone the query does not show. */
  Document get(String id) {
    Optional<Document> d = store.get(database, collection.document(id), true);
    if (d.isEmpty()) {
      return null;
    }
    documentsExamined++;
    return d.get().deleted() && !showDeleted ? null : d.get();
  }

  /** The document this query's {@code startAfter} names, or empty; tombstones only when shown. */
  Optional<Document> startAfterDocument(String id) {
    return store.get(database, collection.document(id), showDeleted);
  }

  /** The collection in id order, strictly after {@code startAfterId} when non-null. */
  DocSource collection(String startAfterId, boolean descending) {
    Cursor<Document> c = store.scanCollection(database, collection, startAfterId, showDeleted, descending);
    return new DocSource() {
      @Override
      public Document next() {
        if (!c.hasNext()) {
          return null;
        }
        documentsExamined++;
        return c.next();
      }

      @Override
      public void close() {
        c.close();
      }
    };
  }

  /**
   * The entries of {@code ranges} (ascending and disjoint) in index order, or all reversed when
   * {@code descending}; each range strictly after {@code position} when non-null. Ranges are
   * opened one at a time.
   */
  EntryStream index(String field, List<IndexRange> ranges, boolean descending, IndexEntry position) {
    return new EntryStream() {
      private int next = 0;
      private Cursor<IndexEntry> current;

      @Override
      public IndexEntry next() {
        while (true) {
          if (current != null && current.hasNext()) {
            indexEntriesRead++;
            return current.next();
          }
          close();
          if (next == ranges.size()) {
            return null;
          }
          IndexRange r = ranges.get(descending ? ranges.size() - 1 - next : next);
          next++;
          current = store.scanIndex(database, collection, field, r, descending, position);
        }
      }

      @Override
      public void close() {
        if (current != null) {
          current.close();
          current = null;
        }
      }
    };
  }
}
