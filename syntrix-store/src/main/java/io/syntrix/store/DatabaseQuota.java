package io.syntrix.store;

import io.syntrix.model.ErrorCode;

/**
 * The limits a logical database's settings put on what it may hold ({@code max_documents},
 * {@code max_storage_bytes}; 0 means unlimited), measured as {@link DatabaseUsage}.
 *
 * <p>Only growth is refused: a write that adds documents or bytes fails when the database would
 * end up over a limit, while deletes and writes that shrink it always pass, so a database over
 * its quota (the limit was lowered) can be brought back under it. The store checks on the thread
 * that orders its writes, against counts that include the writes ahead in the same commit, so
 * concurrent writers can never overshoot a limit together.
 */
public record DatabaseQuota(long maxDocuments, long maxStorageBytes) {
  public static final DatabaseQuota NONE = new DatabaseQuota(0, 0);

  public DatabaseQuota {
    if (maxDocuments < 0 || maxStorageBytes < 0) {
      throw new IllegalArgumentException("quota limits are 0 (unlimited) or positive, not " + maxDocuments + " / "
          + maxStorageBytes);
    }
  }

  /**
   * Throws {@link ErrorCode#QUOTA_EXCEEDED} when a write that changes {@code database}'s usage by
   * {@code addedDocuments} and {@code addedBytes} would grow it past a limit.
   */
  public void check(String database, DatabaseUsage current, long addedDocuments, long addedBytes) {
    if (maxDocuments > 0 && addedDocuments > 0 && current.documents() + addedDocuments > maxDocuments) {
      throw new StoreException(ErrorCode.QUOTA_EXCEEDED, "database '" + database + "' holds " + current.documents()
          + " documents, the most its max_documents quota allows (" + maxDocuments + ")");
    }
    if (maxStorageBytes > 0 && addedBytes > 0 && current.storageBytes() + addedBytes > maxStorageBytes) {
      throw new StoreException(ErrorCode.QUOTA_EXCEEDED, "the write would take database '" + database + "' to "
          + (current.storageBytes() + addedBytes) + " bytes, over its max_storage_bytes quota of " + maxStorageBytes);
    }
  }
}
