package io.syntrix.rules;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.DoubleValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Presents JSON {@link Value}s to the CEL runtime without copying them.
 *
 * <p>CEL's standard runtime works on plain Java objects: {@code Long}, {@code Double},
 * {@code String}, {@code Boolean}, {@code java.util.List}, {@code java.util.Map} and its own
 * {@link #NULL} (a Java {@code null} would turn the result into an "unknown"). Converting a whole
 * document per evaluation would dominate the cost of a rule that reads two fields, so maps and
 * arrays are wrapped in views that convert one element when CEL asks for it. Equality and
 * iteration ({@code ==} on maps, {@code exists} macros) materialise a view once.
 */
final class CelValues {
  /** CEL's null. */
  static final Object NULL = dev.cel.common.values.NullValue.NULL_VALUE;

  private CelValues() {}

  static Object toCel(Value v) {
    return switch (v) {
      case NullValue n -> NULL;
      case BooleanValue b -> b.value();
      case IntegerValue i -> i.value();
      case DoubleValue d -> d.value();
      case StringValue s -> s.value();
      case ArrayValue a -> new ListView(a.elements());
      case MapValue m -> new MapView(m, null);
    };
  }

  static Object string(String s) {
    return s == null ? NULL : s;
  }

  /** {@code {data, id}}: a document as rules see it, its fields with {@code id} added. */
  static Map<String, Object> document(MapValue data, String id) {
    return new DocumentView(new MapView(data, id), id);
  }

  /**
   * The two-key map {@code {data, id}}. Keys are compared with {@code equals}, not hashed: CEL
   * hands over freshly built name strings, whose hash would be computed on every access.
   */
  static final class DocumentView extends AbstractMap<String, Object> {
    private final MapView data;
    private final String id;

    DocumentView(MapView data, String id) {
      this.data = data;
      this.id = id;
    }

    @Override
    public Object get(Object key) {
      return "data".equals(key) ? data : "id".equals(key) ? id : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return "data".equals(key) || "id".equals(key);
    }

    @Override
    public int size() {
      return 2;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return Map.<String, Object>of("data", data, "id", id).entrySet();
    }
  }

  /**
   * A read-only map view; {@code idOverlay}, when set, is the value of key {@code "id"}. It
   * caches its last lookup, so one view belongs to one evaluation (one thread).
   */
  static final class MapView extends AbstractMap<String, Object> {
    private final MapValue map;
    private final String idOverlay;
    private Set<Entry<String, Object>> entries;
    /** CEL asks containsKey(k) then get(k): the second lookup reuses the first. */
    private Object lastKey;
    private Value lastValue;

    MapView(MapValue map, String idOverlay) {
      this.map = map;
      this.idOverlay = idOverlay;
    }

    @Override
    public Object get(Object key) {
      if (idOverlay != null && "id".equals(key)) {
        return idOverlay;
      }
      Value v = key == lastKey ? lastValue : lookup(key);
      return v == null ? null : toCel(v);
    }

    @Override
    public boolean containsKey(Object key) {
      return (idOverlay != null && "id".equals(key)) || lookup(key) != null;
    }

    private Value lookup(Object key) {
      Value v = key instanceof String s ? map.get(s) : null;
      lastKey = key;
      lastValue = v;
      return v;
    }

    @Override
    public int size() {
      return map.size() + (idOverlay != null && map.get("id") == null ? 1 : 0);
    }

    @Override
    public boolean isEmpty() {
      return size() == 0;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      if (entries == null) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        map.fields().forEach((k, v) -> copy.put(k, toCel(v)));
        if (idOverlay != null) {
          copy.put("id", idOverlay);
        }
        entries = Collections.unmodifiableMap(copy).entrySet();
      }
      return entries;
    }
  }

  /** A read-only list view. */
  static final class ListView extends AbstractList<Object> implements RandomAccess {
    private final List<Value> elements;

    ListView(List<Value> elements) {
      this.elements = elements;
    }

    @Override
    public Object get(int index) {
      return toCel(elements.get(index));
    }

    @Override
    public int size() {
      return elements.size();
    }
  }
}
