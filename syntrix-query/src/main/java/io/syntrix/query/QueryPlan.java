package io.syntrix.query;

import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.Filter;
import io.syntrix.model.FilterOp;
import io.syntrix.model.Json;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import io.syntrix.store.IndexRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a query runs: which access path drives it ({@link #access()}, {@link #index()},
 * {@link #range()}), what is evaluated after fetching ({@link #postFilter()}: always every filter
 * of the query) and whether results are sorted in memory ({@link #sort()}).
 * {@link #describe()} is the human-readable {@code explain}. Immutable.
 */
public final class QueryPlan {
  /** What ordering work happens after the access path. */
  enum Sort {
    /** The access path already yields result order. */
    NONE,
    /** Index order on the first sort field; each run of equal first values is sorted by the rest. */
    TIE_GROUPS,
    /** Everything is sorted in memory (a top-k heap when the query has a limit). */
    IN_MEMORY
  }

  private final Query query;
  private final Route route;
  private final Sort sort;
  private final ResultOrder order;
  private final DocumentPredicate predicate;
  private final long probedEntries;
  private final long probeLimit;

  QueryPlan(Query query, Route route, Sort sort, long probedEntries, long probeLimit) {
    this.query = query;
    this.route = route;
    this.sort = sort;
    this.order = new ResultOrder(query.orderBy());
    this.predicate = DocumentPredicate.compile(query.filters());
    this.probedEntries = probedEntries;
    this.probeLimit = probeLimit;
  }

  Query query() {
    return query;
  }

  Route route() {
    return route;
  }

  Sort sortMode() {
    return sort;
  }

  ResultOrder order() {
    return order;
  }

  DocumentPredicate predicate() {
    return predicate;
  }

  /** Index entries read while planning (selectivity probes). */
  long probedEntries() {
    return probedEntries;
  }

  /** {@code empty}, {@code point-gets}, {@code index-scan} or {@code collection-scan}. */
  public String access() {
    return switch (route) {
      case Route.Empty e -> "empty";
      case Route.PointGets p -> "point-gets";
      case Route.CollectionScan c -> "collection-scan";
      case Route.IndexEquality i -> "index-scan";
      case Route.IndexIds i -> "index-scan";
      case Route.IndexOrdered i -> "index-scan";
    };
  }

  /** The field whose single-field index drives the query, or null. */
  public String index() {
    return switch (route) {
      case Route.IndexEquality i -> i.field();
      case Route.IndexIds i -> i.field();
      case Route.IndexOrdered i -> i.field();
      default -> null;
    };
  }

  /** Whether the query reads an index rather than the whole collection. */
  public boolean usesIndex() {
    return index() != null;
  }

  /** What part of the access path is read, or null for a whole collection. */
  public String range() {
    return switch (route) {
      case Route.Empty e -> e.reason();
      case Route.PointGets p -> "ids " + p.ids();
      case Route.CollectionScan c -> c.descending() ? "id desc" : "id asc";
      case Route.IndexEquality i -> (i.values().size() == 1 ? "== " + Json.toString(i.values().get(0))
          : "in " + values(i.values()) + " merged by id") + estimate(i.estimate());
      case Route.IndexIds i -> ranges(i.ranges()) + estimate(i.estimate()) + ", ids sorted in memory";
      case Route.IndexOrdered i -> ranges(i.ranges()) + (i.descending() ? " desc" : " asc")
          + (i.withMissing() ? " + documents missing '" + i.field() + "' merged at null" : "");
    };
  }

  /** The filters evaluated on every fetched document (all of the query's), or null for none. */
  public String postFilter() {
    List<Filter> filters = query.filters();
    return filters.isEmpty() ? null : filters.stream().map(Filter::toString).collect(Collectors.joining(" AND "));
  }

  /** The in-memory ordering work, or null when the access path yields result order. */
  public String sort() {
    return switch (sort) {
      case NONE -> null;
      case TIE_GROUPS -> "sort each run of equal '" + query.orderBy().get(0).field() + "' by " + order;
      case IN_MEMORY -> (query.limit() > 0 ? "top " + query.limit() + " in memory by " : "sort in memory by ") + order;
    };
  }

  /**
   * Why a query whose in-memory sort outgrew {@code limits} is refused, naming the index that
   * would have served it in order: its equality fields, then its {@code orderBy} fields
   * (Firestore's composite-index shape). Only single-field indexes exist, so the way out is a
   * limit (the sort then holds one page) or narrower filters.
   */
  String sortRefusal(SortLimits limits) {
    List<String> fields = new ArrayList<>();
    for (Filter f : query.filters()) {
      boolean equality = f.op() == FilterOp.EQ || f.op() == FilterOp.IN;
      if (equality && !f.field().equals(SystemFields.ID) && !fields.contains(f.field())
          && query.orderBy().stream().noneMatch(o -> o.field().equals(f.field()))) {
        fields.add(f.field());
      }
    }
    String unindexable = null;
    for (OrderBy o : query.orderBy()) {
      if (o.field().equals(SystemFields.ID)) {
        break; // ids are unique: nothing after them orders anything
      }
      fields.add(o.field() + (o.direction() == OrderBy.Direction.DESC ? " desc" : " asc"));
      if (unindexable == null && !QueryPlanner.isIndexed(o.field())) {
        unindexable = o.field();
      }
    }
    String index = "(" + String.join(", ", fields) + ")";
    String why = unindexable != null
        ? "it needs an index on " + index + ", and '" + unindexable + "' cannot be indexed (nested fields, "
            + "'collection' and 'deleted' have no index)"
        : "it needs a composite index on " + index + ", and only single-field indexes exist";
    long bytes = limits.maxBytes();
    String size = bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    return "query would sort more than " + limits.maxDocuments() + " documents or " + size + " in memory: " + why + "; give it a limit (at most " + Query.MAX_LIMIT
        + ") and page with startAfter, or filter more narrowly";
  }

  /** One line: access path, range, post-filter, sort and limit. */
  public String describe() {
    if (route instanceof Route.Empty e) {
      return "empty (" + e.reason() + ")";
    }
    String idx = index();
    StringBuilder out = new StringBuilder(access()).append(idx == null ? " " : " on " + idx + " ").append(range());
    if (postFilter() != null) {
      out.append(", then filter ").append(postFilter());
    }
    if (sort() != null) {
      out.append(", then ").append(sort());
    }
    if (query.limit() > 0 && sort != Sort.IN_MEMORY) {
      out.append(", limit ").append(query.limit());
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return describe();
  }

  private String estimate(long e) {
    return e < 0 ? "" : " (" + (e >= probeLimit ? ">= " : "") + e + " entries)";
  }

  private static String values(List<Value> values) {
    return values.stream().map(Json::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  static String ranges(List<IndexRange> ranges) {
    return ranges.stream().map(QueryPlan::range).collect(Collectors.joining(" | "));
  }

  private static String range(IndexRange r) {
    Value lo = r.lower();
    Value hi = r.upper();
    if (lo == null && hi == null) {
      return "all values";
    }
    if (hi == null && r.equals(FieldConstraint.classRange(lo.typeClass()))) {
      return "all " + lo.typeClass().name().toLowerCase(Locale.ROOT) + " values";
    }
    if (lo != null && hi != null && r.lowerInclusive() && r.upperInclusive() && Values.equal(lo, hi)) {
      return "== " + Json.toString(lo);
    }
    if (hi == null) {
      return (r.lowerInclusive() ? ">= " : "> ") + Json.toString(lo);
    }
    if (lo == null) {
      return (r.upperInclusive() ? "<= " : "< ") + Json.toString(hi);
    }
    return (r.lowerInclusive() ? "[" : "(") + Json.toString(lo) + ", " + Json.toString(hi)
        + (r.upperInclusive() ? "]" : ")");
  }
}
