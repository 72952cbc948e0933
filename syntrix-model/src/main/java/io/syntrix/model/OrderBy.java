package io.syntrix.model;

/** One sort key of a query; documents missing the field sort as if it were null. */
public record OrderBy(String field, Direction direction) {
  public enum Direction {
    ASC,
    DESC;

    public static Direction parse(String s) {
      if ("asc".equals(s)) {
        return ASC;
      }
      if ("desc".equals(s)) {
        return DESC;
      }
      throw new InvalidInputException("orderBy direction must be 'asc' or 'desc', got " + ResourcePaths.quote(s));
    }
  }

  public OrderBy {
    FieldPath.parse(field);
    java.util.Objects.requireNonNull(direction, "direction");
  }

  /** Reads {@code {"field": "...", "direction": "asc"|"desc"}}; the direction is required, as in the original. */
  public static OrderBy fromValue(Value v) {
    InvalidInputException.check(v instanceof MapValue, "an orderBy entry must be an object {field, direction}");
    MapValue m = (MapValue) v;
    for (String key : m.fields().keySet()) {
      InvalidInputException.check(key.equals("field") || key.equals("direction"),
          "unknown orderBy key " + ResourcePaths.quote(key));
    }
    InvalidInputException.check(m.get("field") instanceof StringValue, "orderBy 'field' must be a string");
    InvalidInputException.check(m.get("direction") instanceof StringValue, "orderBy 'direction' must be 'asc' or 'desc'");
    return new OrderBy(((StringValue) m.get("field")).value(), Direction.parse(((StringValue) m.get("direction")).value()));
  }
}
