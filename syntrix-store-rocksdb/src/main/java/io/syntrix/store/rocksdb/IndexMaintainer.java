package io.syntrix.store.rocksdb;

import io.syntrix.model.Document;
import io.syntrix.store.spi.IndexedValues;
import java.util.Arrays;
import java.util.Map;

/**
 * Maintains the automatic single-field indexes in RocksDB keys as {@code update(old, new)}: null
 * old is an insert, null new a removal. Which entries a document has, their value bytes and the
 * overflow rule for values over 1,500 bytes are engine-independent ({@link IndexedValues}); this
 * class lays them out as {@link Keys#indexEntry index keys} and {@link Keys#overflowEntry overflow
 * keys}. Entries whose field and value did not change are left alone, so a write touches only the
 * keys it must. Index scans read a field's overflow entries beside its index and take the value
 * from the document ({@link OverflowCursor}); the index itself holds no key longer than
 * prefix + 1,500 + id.
 *
 * <p>Idempotent: applying the same {@code (old, new)} twice leaves the same keys, which is what
 * makes rebuilding or auditing the indexes from the documents possible.
 */
final class IndexMaintainer {
  /** Largest encoded value an index entry holds; longer values get an overflow entry. */
  static final int MAX_INDEXED_VALUE_BYTES = IndexedValues.MAX_INDEXED_VALUE_BYTES;
  /** Receives the key deltas, in the caller's write batch. */
  interface Sink {
    void put(byte[] key);

    void delete(byte[] key);
  }

  private IndexMaintainer() {}

  /** Applies the deltas from {@code old} to {@code now}; returns the change in overflow entries. */
  static int update(byte[] collectionPrefix, Document old, Document now, Sink sink) {
    Map<String, byte[]> before = old == null ? Map.of() : entries(old);
    Map<String, byte[]> after = now == null ? Map.of() : entries(now);
    String id = old != null ? old.id() : now.id();
    int overflow = 0;
    for (Map.Entry<String, byte[]> e : before.entrySet()) {
      byte[] replacement = after.get(e.getKey());
      if (replacement == null || !Arrays.equals(e.getValue(), replacement)) {
        sink.delete(entryKey(collectionPrefix, e.getKey(), e.getValue(), id));
        overflow -= overflows(e.getValue()) ? 1 : 0;
      }
    }
    for (Map.Entry<String, byte[]> e : after.entrySet()) {
      byte[] previous = before.get(e.getKey());
      if (previous == null || !Arrays.equals(e.getValue(), previous)) {
        sink.put(entryKey(collectionPrefix, e.getKey(), e.getValue(), id));
        overflow += overflows(e.getValue()) ? 1 : 0;
      }
    }
    return overflow;
  }

  /** The key that stands for one field value of a document: its index entry, or its overflow entry. */
  static byte[] entryKey(byte[] collectionPrefix, String field, byte[] encodedValue, String id) {
    return overflows(encodedValue)
        ? Keys.overflowEntry(Keys.overflowPrefix(collectionPrefix, field), encodedValue, id)
        : Keys.indexEntry(Keys.indexPrefix(collectionPrefix, field), encodedValue, id);
  }

  static boolean overflows(byte[] encodedValue) {
    return IndexedValues.overflows(encodedValue);
  }

  /** Overflow entries {@code d} has (fields whose value is too large to index). */
  static int overflowCount(Document d) {
    return IndexedValues.overflowCount(d);
  }

  /** Field name to encoded value, for every indexed field of {@code d}. */
  static Map<String, byte[]> entries(Document d) {
    return IndexedValues.of(d);
  }
}
