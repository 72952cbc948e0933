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

  private static final java.util.Set<String> KEYS =
      java.util.Set.of("collection", "filters", "orderBy", "limit", "startAfter", "showDeleted");

  /**
   * Reads the wire form {@code {"collection", "filters", "orderBy", "limit", "startAfter",
   * "showDeleted"}}; only {@code collection} is required. Unknown keys and wrong types are refused.
   */
  public static Query fromValue(Value v) {
    InvalidInputException.check(v instanceof MapValue, "a query must be a JSON object");
    MapValue m = (MapValue) v;
    for (String key : m.fields().keySet()) {
      InvalidInputException.check(KEYS.contains(key), "unknown query key " + ResourcePaths.quote(key));
    }
    InvalidInputException.check(m.get("collection") instanceof StringValue, "query 'collection' must be a string");
    CollectionPath collection = CollectionPath.of(((StringValue) m.get("collection")).value());
    List<OrderBy> orderBy = new java.util.ArrayList<>();
    Value order = m.get("orderBy");
    if (order != null && !(order instanceof NullValue)) {
      InvalidInputException.check(order instanceof ArrayValue, "query 'orderBy' must be an array");
      for (Value o : ((ArrayValue) order).elements()) {
        orderBy.add(OrderBy.fromValue(o));
      }
    }
    Value limit = m.get("limit");
    InvalidInputException.check(limit == null || limit instanceof NullValue || limit instanceof IntegerValue,
        "query 'limit' must be an integer");
    long n = limit instanceof IntegerValue i ? i.value() : 0;
    InvalidInputException.check(n >= 0 && n <= MAX_LIMIT, "query 'limit' must be between 0 and " + MAX_LIMIT);
    Value startAfter = m.get("startAfter");
    InvalidInputException.check(startAfter == null || startAfter instanceof NullValue || startAfter instanceof StringValue,
        "query 'startAfter' must be a document id string");
    Value showDeleted = m.get("showDeleted");
    InvalidInputException.check(showDeleted == null || showDeleted instanceof NullValue
        || showDeleted instanceof BooleanValue, "query 'showDeleted' must be true or false");
    return new Query(collection, Filter.listFromValue(m.get("filters")), orderBy, (int) n,
        startAfter instanceof StringValue s && !s.value().isEmpty() ? s.value() : null,
        showDeleted instanceof BooleanValue b && b.value());
  }
}
