package io.syntrix.query;

/**
 * How a query runs: which access path drives it, what is evaluated after fetching, and whether
 * results need sorting in memory. {@link #describe()} is the human-readable {@code explain}.
 */
public record QueryPlan(String access, String index, String range, String postFilter, String sort) {
  public String describe() {
    return access + (index == null ? "" : " on " + index + (range == null ? "" : " " + range))
        + (postFilter == null ? "" : ", then filter " + postFilter)
        + (sort == null ? "" : ", " + sort);
  }
}
