package io.syntrix.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One condition {@code field op value} with the D4 semantics:
 * <ul>
 *   <li>a missing field never matches, whatever the operator (also {@code !=} and {@code not-in});
 *   <li>{@code == != < <= > >=} compare only within one type class ({@code price < 1} never
 *       matches a string or a null); {@code null == null} matches; numbers compare numerically;
 *   <li>{@code not-in [x, y]} is {@code != x AND != y};
 *   <li>{@code array-contains} (alias {@code contains}) needs an array field holding the value,
 *       {@code array-contains-any} one holding any of the values.
 * </ul>
 */
public record Filter(String field, FilterOp op, Value value) {
  public Filter {
    FieldPath.parse(field);
    if (op.takesList()) {
      InvalidInputException.check(value instanceof ArrayValue a && !a.elements().isEmpty(),
          "operator '" + op + "' needs a non-empty list value");
      InvalidInputException.check(((ArrayValue) value).elements().size() <= FilterOp.MAX_LIST_SIZE,
          "operator '" + op + "' takes at most " + FilterOp.MAX_LIST_SIZE + " values");
    }
  }

  public static Filter of(String field, String op, Value value) {
    return new Filter(field, FilterOp.parse(op), value);
  }

  /** Whether a field value (null = missing) satisfies this filter. */
  public boolean test(Value actual) {
    if (actual == null) {
      return false;
    }
    return switch (op) {
      case EQ -> Values.equal(actual, value);
      case NE -> actual.typeClass() == value.typeClass() && !Values.equal(actual, value);
      case LT -> actual.typeClass() == value.typeClass() && Values.compare(actual, value) < 0;
      case LTE -> actual.typeClass() == value.typeClass() && Values.compare(actual, value) <= 0;
      case GT -> actual.typeClass() == value.typeClass() && Values.compare(actual, value) > 0;
      case GTE -> actual.typeClass() == value.typeClass() && Values.compare(actual, value) >= 0;
      case IN -> containsEqual(((ArrayValue) value).elements(), actual);
      case NOT_IN -> notInAll(((ArrayValue) value).elements(), actual);
      case ARRAY_CONTAINS -> actual instanceof ArrayValue a && containsEqual(a.elements(), value);
      case ARRAY_CONTAINS_ANY -> actual instanceof ArrayValue a && containsAny(a.elements(), ((ArrayValue) value).elements());
    };
  }

  private static boolean containsEqual(List<Value> candidates, Value v) {
    for (int i = 0; i < candidates.size(); i++) {
      if (Values.equal(candidates.get(i), v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean notInAll(List<Value> excluded, Value v) {
    for (int i = 0; i < excluded.size(); i++) {
      Value x = excluded.get(i);
      if (x.typeClass() != v.typeClass() || Values.equal(x, v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsAny(List<Value> elements, List<Value> wanted) {
    for (int i = 0; i < wanted.size(); i++) {
      if (containsEqual(elements, wanted.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Reads {@code {"field": "...", "op": "...", "value": ...}}. */
  public static Filter fromValue(Value v) {
    InvalidInputException.check(v instanceof MapValue, "a filter must be an object {field, op, value}");
    MapValue m = (MapValue) v;
    for (String key : m.fields().keySet()) {
      InvalidInputException.check(key.equals("field") || key.equals("op") || key.equals("value"),
          "unknown filter key " + ResourcePaths.quote(key));
    }
    InvalidInputException.check(m.get("field") instanceof StringValue, "filter 'field' must be a string");
    InvalidInputException.check(m.get("op") instanceof StringValue, "filter 'op' must be a string");
    InvalidInputException.check(m.get("value") != null, "filter 'value' is missing");
    return of(((StringValue) m.get("field")).value(), ((StringValue) m.get("op")).value(), m.get("value"));
  }

  /** Reads a JSON array of filters; null (absent) means no filters. */
  public static List<Filter> listFromValue(Value v) {
    if (v == null || v instanceof NullValue) {
      return List.of();
    }
    InvalidInputException.check(v instanceof ArrayValue, "filters must be an array");
    List<Filter> out = new ArrayList<>();
    for (Value e : ((ArrayValue) v).elements()) {
      out.add(fromValue(e));
    }
    return List.copyOf(out);
  }

  public MapValue toValue() {
    return MapValue.builder()
        .put("field", new StringValue(field))
        .put("op", new StringValue(op.wireName()))
        .put("value", value)
        .build();
  }

  @Override
  public String toString() {
    return field + " " + op + " " + value;
  }
}
