package io.syntrix.store;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import java.util.Optional;

/**
 * Reading documents and index entries: what queries and rules need from a store, served by the
 * live store ({@link DocumentStore}) and by a point-in-time {@link ReadSnapshot} alike.
 */
public interface ReadView {

  /** The live document at {@code path}, or empty when absent or deleted. */
  default Optional<Document> get(String database, DocumentPath path) {
    return get(database, path, false);
  }

  /** The document at {@code path}; tombstones too when {@code includeDeleted}. */
  Optional<Document> get(String database, DocumentPath path, boolean includeDeleted);

  /**
   * The documents of one collection (not of its subcollections) in ascending id order, starting
   * after {@code startAfterId} when it is non-null.
   */
  default Cursor<Document> scanCollection(String database, CollectionPath collection, String startAfterId,
                                          boolean includeDeleted) {
    return scanCollection(database, collection, startAfterId, includeDeleted, false);
  }

  /**
   * The documents of one collection (not of its subcollections) in id order, or the reverse when
   * {@code descending}; strictly after {@code startAfterId} in scan order when it is non-null.
   */
  Cursor<Document> scanCollection(String database, CollectionPath collection, String startAfterId,
                                  boolean includeDeleted, boolean descending);

  /**
   * Entries of the single-field index on {@code field} (a top-level data field, or
   * {@code version}, {@code createdAt}, {@code updatedAt}) within {@code range}, in value then id
   * order, or the reverse when {@code descending}; strictly after {@code startAfter} in scan
   * order when it is non-null. Every top-level value is indexed (arrays and maps as whole values);
   * a document without the field has no entry. Tombstones keep only their system-field entries.
   */
  Cursor<IndexEntry> scanIndex(String database, CollectionPath collection, String field, IndexRange range,
                               boolean descending, IndexEntry startAfter);
}
