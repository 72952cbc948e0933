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
 * <p>Idempotent: applying the same {@code (old, new)} twice leaves the same keys, which is what
 * makes rebuilding or auditing the indexes from the documents possible.
 */
final class IndexMaintainer {
  /** Receives the key deltas, in the caller's write batch. */
  interface Sink {
    void put(byte[] key);

    void delete(byte[] key);
  }

  private IndexMaintainer() {}

  static void update(byte[] collectionPrefix, Document old, Document now, Sink sink) {
    Map<String, byte[]> before = old == null ? Map.of() : entries(old);
    Map<String, byte[]> after = now == null ? Map.of() : entries(now);
    String id = old != null ? old.id() : now.id();
    before.forEach((field, value) -> {
      byte[] replacement = after.get(field);
      if (replacement == null || !Arrays.equals(value, replacement)) {
        sink.delete(Keys.indexEntry(Keys.indexPrefix(collectionPrefix, field), value, id));
      }
    });
    after.forEach((field, value) -> {
      byte[] previous = before.get(field);
      if (previous == null || !Arrays.equals(value, previous)) {
        sink.put(Keys.indexEntry(Keys.indexPrefix(collectionPrefix, field), value, id));
      }
    });
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
