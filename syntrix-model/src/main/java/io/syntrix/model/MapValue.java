package io.syntrix.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable JSON object. Keys keep their insertion order for output; comparisons ignore it.
 */
public final class MapValue implements Value {
  public static final MapValue EMPTY = new MapValue(Map.of());

  private final Map<String, Value> fields;

  private MapValue(Map<String, Value> fields) {
    this.fields = fields;
  }

  /** Copies {@code fields}, keeping their iteration order. */
  public static MapValue of(Map<String, ? extends Value> fields) {
    return fields.isEmpty() ? EMPTY : new MapValue(Collections.unmodifiableMap(new LinkedHashMap<>(fields)));
  }

  /** Wraps a map the caller hands over and never touches again (parsers, builders). */
  static MapValue adopt(LinkedHashMap<String, Value> fields) {
    return fields.isEmpty() ? EMPTY : new MapValue(Collections.unmodifiableMap(fields));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Map<String, Value> fields() {
    return fields;
  }

  /** The value of a top-level key, or null when the key is absent. */
  public Value get(String key) {
    return fields.get(key);
  }

  public int size() {
    return fields.size();
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  @Override
  public TypeClass typeClass() {
    return TypeClass.MAP;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MapValue m && fields.equals(m.fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return fields.toString();
  }

  /** Accumulates fields in order; later puts of the same key replace earlier ones. */
  public static final class Builder {
    private LinkedHashMap<String, Value> fields = new LinkedHashMap<>();

    public Builder put(String key, Value value) {
      fields.put(key, value);
      return this;
    }

    public Builder putAll(MapValue other) {
      fields.putAll(other.fields);
      return this;
    }

    public Builder remove(String key) {
      fields.remove(key);
      return this;
    }

    public MapValue build() {
      MapValue m = adopt(fields);
      fields = new LinkedHashMap<>();
      return m;
    }
  }
}
