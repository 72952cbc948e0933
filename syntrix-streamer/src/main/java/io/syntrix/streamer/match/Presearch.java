package io.syntrix.streamer.match;

import io.syntrix.model.Filter;

/**
 * The one conjunct of a subscription that the index keys it under (Lucene's "presearch"): a change
 * can only match the subscription if its before or after image satisfies this conjunct, so only
 * subscriptions found through their presearch key are evaluated at all.
 *
 * @param kind   which structure holds the subscription
 * @param filter the chosen conjunct (null for {@link Kind#NONE})
 * @param exact  the conjunct is the whole filter list, so an index hit <em>is</em> a match and the
 *               predicate need not run ("confirm" is skipped)
 */
public record Presearch(Kind kind, Filter filter, boolean exact) {
  /** Where the subscription lives in a collection's index. */
  public enum Kind {
    /** {@code field == v} or {@code field in [v...]}: hash index field → canonical value → subscriptions. */
    EQUAL,
    /** {@code field array-contains v} or {@code array-contains-any [v...]}: hash index on array elements. */
    CONTAINS,
    /** {@code field < <= > >= v}: ordered index of thresholds per operator and type class. */
    RANGE,
    /** No indexable conjunct ({@code !=}, {@code not-in}, no filters): the residual list, evaluated always. */
    NONE
  }

  static final Presearch NONE = new Presearch(Kind.NONE, null, false);

  @Override
  public String toString() {
    return kind == Kind.NONE ? "residual" : kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + filter + ")"
        + (exact ? " exact" : " + confirm");
  }
}
