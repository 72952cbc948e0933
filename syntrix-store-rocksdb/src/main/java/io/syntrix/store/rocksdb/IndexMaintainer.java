package io.syntrix.store.rocksdb;

import io.syntrix.model.Document;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Maintains the automatic single-field indexes as {@code update(old, new)}: null old is an
 * insert, null new a removal. Every top-level data field (scalars, and arrays and maps as whole
 * values, so that ordering by such a field needs no sort) and the system fields
 * {@code version}, {@code createdAt} and {@code updatedAt} get one entry per document. Entries
 * whose field and value did not change
 * are left alone, so a write touches only the keys it must.
 *
 * <p><b>Values too large to index.</b> An entry holds at most {@link #MAX_INDEXED_VALUE_BYTES}
 * bytes of encoded value (Firestore's 1,500). A longer value (a long string, a big array or map)
 * gets an <em>overflow entry</em> instead ({@link Keys#overflowEntry}): the first 1,500 bytes of
 * its encoding and the id, outside the field's index range. Index scans read a field's overflow
 * entries beside its index and take the value from the document ({@link OverflowCursor}), so
 * every scan still sees every value in order; the index itself holds no key longer than
 * prefix + 1,500 + id. The first 1,500 bytes already order an overflowing value against every
 * indexed one: an indexed encoding is at most that long and is no prefix of another encoding.
 *
 * <p>Idempotent: applying the same {@code (old, new)} twice leaves the same keys, which is what
 * makes rebuilding or auditing the indexes from the documents possible.
 */
final class IndexMaintainer {
  /** Largest encoded value an index entry holds; longer values get an overflow entry. */
  static final int MAX_INDEXED_VALUE_BYTES = 1500;

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
    return encodedValue.length > MAX_INDEXED_VALUE_BYTES;
  }

  /** Overflow entries {@code d} has (fields whose value is too large to index). */
  static int overflowCount(Document d) {
    int n = 0;
    for (byte[] v : entries(d).values()) {
      n += overflows(v) ? 1 : 0;
    }
    return n;
  }

  /** Field name to encoded value, for every indexed field of {@code d}. */
  static Map<String, byte[]> entries(Document d) {
    Map<String, byte[]> out = new HashMap<>(d.data().size() * 2 + 6);
    for (Map.Entry<String, Value> e : d.data().fields().entrySet()) {
      out.put(e.getKey(), OrderedCode.encode(e.getValue()));
    }
    out.put(SystemFields.VERSION, OrderedCode.encode(IntegerValue.of(d.version())));
    out.put(SystemFields.CREATED_AT, OrderedCode.encode(IntegerValue.of(d.createdAt())));
    out.put(SystemFields.UPDATED_AT, OrderedCode.encode(IntegerValue.of(d.updatedAt())));
    return out;
  }
}
