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
}
