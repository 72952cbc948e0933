package io.syntrix.store;

import io.syntrix.model.InvalidInputException;
import io.syntrix.model.Value;

/**
 * A range of one index. A missing bound is the edge of the other bound's type class, so ranges
 * are type-bracketed: {@code < 1} covers numbers only, never nulls or strings. With both bounds
 * missing the range covers every indexed value. Only scalars (null, booleans, numbers, strings)
 * are indexed.
 */
public record IndexRange(Value lower, boolean lowerInclusive, Value upper, boolean upperInclusive) {
  public static final IndexRange ALL = new IndexRange(null, true, null, true);

  public IndexRange {
    InvalidInputException.check(lower == null || upper == null || lower.typeClass() == upper.typeClass(),
        "index bounds must be of one type class");
  }

  public static IndexRange equalTo(Value v) {
    return new IndexRange(v, true, v, true);
  }

  public static IndexRange atLeast(Value v) {
    return new IndexRange(v, true, null, true);
  }

  public static IndexRange greaterThan(Value v) {
    return new IndexRange(v, false, null, true);
  }

  public static IndexRange atMost(Value v) {
    return new IndexRange(null, true, v, true);
  }

  public static IndexRange lessThan(Value v) {
    return new IndexRange(null, true, v, false);
  }

  public static IndexRange between(Value lower, boolean lowerInclusive, Value upper, boolean upperInclusive) {
    return new IndexRange(lower, lowerInclusive, upper, upperInclusive);
  }
}
