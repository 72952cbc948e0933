package io.syntrix.store.spi;

import io.syntrix.model.Document;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import java.util.HashMap;
import java.util.Map;

/**
 * Which single-field index entries a document has, and their value bytes: the engine-independent
 * half of index maintenance (each engine lays the entries out in its own keys or rows).
 *
 * <p>Every top-level data field (scalars, and arrays and maps as whole values, so that ordering by
 * such a field needs no sort) and the system fields {@code version}, {@code createdAt} and
 * {@code updatedAt} get one entry per document, holding the {@link OrderedCode} form of the value.
 *
 * <p><b>Values too large to index.</b> An entry holds at most {@link #MAX_INDEXED_VALUE_BYTES}
 * bytes of encoded value (Firestore's 1,500). A longer value (a long string, a big array or map)
 * {@link #overflows} and gets an <em>overflow entry</em> instead, keyed by its {@link #head} (the
 * first 1,500 bytes) and the id, outside the field's index range. Index scans read a field's
 * overflow entries beside its index and take the value from the document, so every scan still
 * sees every value in order. The head already orders an overflowing value against every indexed
 * one: an indexed encoding is at most that long and is no prefix of another encoding, and
 * truncation keeps order ({@code a < b} implies {@code head(a) <= head(b)}).
 */
public final class IndexedValues {
  /** Largest encoded value an index entry holds; longer values get an overflow entry. */
  public static final int MAX_INDEXED_VALUE_BYTES = 1500;

  private IndexedValues() {}

  /** Field name to encoded value, for every indexed field of {@code d}. */
  public static Map<String, byte[]> of(Document d) {
    Map<String, byte[]> out = new HashMap<>(d.data().size() * 2 + 6);
    for (Map.Entry<String, Value> e : d.data().fields().entrySet()) {
      out.put(e.getKey(), OrderedCode.encode(e.getValue()));
    }
    out.put(SystemFields.VERSION, OrderedCode.encode(IntegerValue.of(d.version())));
    out.put(SystemFields.CREATED_AT, OrderedCode.encode(IntegerValue.of(d.createdAt())));
    out.put(SystemFields.UPDATED_AT, OrderedCode.encode(IntegerValue.of(d.updatedAt())));
    return out;
  }

  public static boolean overflows(byte[] encodedValue) {
    return encodedValue.length > MAX_INDEXED_VALUE_BYTES;
  }

  /** The first {@link #MAX_INDEXED_VALUE_BYTES} bytes of an encoding (all of it when shorter). */
  public static byte[] head(byte[] encodedValue) {
    return encodedValue.length <= MAX_INDEXED_VALUE_BYTES ? encodedValue
        : java.util.Arrays.copyOf(encodedValue, MAX_INDEXED_VALUE_BYTES);
  }

  /** Overflow entries {@code d} has (fields whose value is too large to index). */
  public static int overflowCount(Document d) {
    int n = 0;
    for (byte[] v : of(d).values()) {
      n += overflows(v) ? 1 : 0;
    }
    return n;
  }
}
