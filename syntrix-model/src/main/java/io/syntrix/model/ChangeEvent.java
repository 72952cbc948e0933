package io.syntrix.model;

/**
 * One committed write, as the change log records it and every realtime consumer sees it.
 *
 * <p>{@code seq} is the commit sequence number: gap-free and strictly increasing in commit order
 * across all databases. {@code before} is the live document before the write (null when it did
 * not exist or was a tombstone); {@code after} is the document after it (a tombstone for a delete).
 */
public record ChangeEvent(long seq, String database, DocumentPath path, Op op, Document before, Document after,
                          long timestamp) {
  public enum Op {
    CREATE,
    UPDATE,
    DELETE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The live document after the write, or null for a delete. */
  public Document liveAfter() {
    return after == null || after.deleted() ? null : after;
  }
}
