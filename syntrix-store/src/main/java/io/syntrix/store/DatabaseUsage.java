package io.syntrix.store;

/**
 * What one database holds, as the store counts it for quotas: its live documents and the bytes
 * they take in the store (each document's key and stored value, before compression; tombstones,
 * index entries and the change log are not counted).
 */
public record DatabaseUsage(long documents, long storageBytes) {
  public static final DatabaseUsage EMPTY = new DatabaseUsage(0, 0);
}
