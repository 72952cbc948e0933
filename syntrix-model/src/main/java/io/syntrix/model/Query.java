package io.syntrix.model;

import java.util.List;

/**
 * A query on one collection: ANDed filters, sort keys (then document id), a limit (0 = all
 * matching documents, at most {@link #MAX_LIMIT}), an optional {@code startAfter} document id
 * and whether tombstones are included.
 */
public record Query(CollectionPath collection, List<Filter> filters, List<OrderBy> orderBy, int limit,
                    String startAfter, boolean showDeleted) {
  public static final int MAX_LIMIT = 1000;

  public Query {
    filters = List.copyOf(filters);
    orderBy = List.copyOf(orderBy);
    InvalidInputException.check(limit >= 0 && limit <= MAX_LIMIT, "limit must be between 0 and " + MAX_LIMIT);
  }

  public static Query all(CollectionPath collection) {
    return new Query(collection, List.of(), List.of(), 0, null, false);
  }
}
