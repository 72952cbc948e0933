package io.syntrix.query;

/**
 * The most one query may hold in memory to put its results in order: at most
 * {@code maxDocuments} documents and about {@code maxBytes} (an estimate of their heap size).
 * Plans that sort in memory (a nested or unindexed first {@code orderBy} field, a small filtered
 * set sorted by another field, runs of equal first values re-sorted by the next fields) hold
 * their candidates here; a query that would hold more is refused with a 400 naming the index it
 * would need, rather than buffering without bound. With a {@code limit} only the first
 * {@code limit} rows are held (a top-k heap), so paging with a limit never meets the document cap.
 */
public record SortLimits(int maxDocuments, long maxBytes) {
  /** 10,000 documents and 64 MiB: ten full pages of the largest query limit (1,000), far from a heap's size. */
  public static final SortLimits DEFAULTS = new SortLimits(10_000, 64L << 20);

  public SortLimits {
    if (maxDocuments < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("sort limits must be positive: " + maxDocuments + " documents, "
          + maxBytes + " bytes");
    }
  }
}
