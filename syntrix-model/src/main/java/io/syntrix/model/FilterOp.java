package io.syntrix.model;

/** The D4 filter operators and their wire names. {@code contains} is the original system's name for {@code array-contains}. */
public enum FilterOp {
  EQ("=="),
  NE("!="),
  LT("<"),
  LTE("<="),
  GT(">"),
  GTE(">="),
  IN("in"),
  NOT_IN("not-in"),
  ARRAY_CONTAINS("array-contains"),
  ARRAY_CONTAINS_ANY("array-contains-any");

  /** Most values an {@code in}, {@code not-in} or {@code array-contains-any} list may hold. */
  public static final int MAX_LIST_SIZE = 30;

  private final String wireName;

  FilterOp(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Whether the operand is a list of candidates rather than one value. */
  public boolean takesList() {
    return this == IN || this == NOT_IN || this == ARRAY_CONTAINS_ANY;
  }

  /** Whether the operator is a range bound ({@code < <= > >=}). */
  public boolean isRange() {
    return this == LT || this == LTE || this == GT || this == GTE;
  }

  public static FilterOp parse(String name) {
    if ("contains".equals(name)) {
      return ARRAY_CONTAINS;
    }
    for (FilterOp op : values()) {
      if (op.wireName.equals(name)) {
        return op;
      }
    }
    throw new InvalidInputException("unknown filter operator " + ResourcePaths.quote(name)
        + " (supported: ==, !=, <, <=, >, >=, in, not-in, contains, array-contains, array-contains-any)");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
