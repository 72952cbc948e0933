package io.syntrix.query;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.FieldPath;
import io.syntrix.model.Filter;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.model.SystemFields;
import io.syntrix.model.TypeClass;
import io.syntrix.store.Cursor;
import io.syntrix.store.ReadView;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses how a query runs (D5). The engine's semantics never depend on the choice: every plan
 * post-filters each fetched document with ALL the query's filters (the one D4 evaluator), and
 * every plan yields the same result order. Plans differ only in what they read.
 *
 * <p><b>Model.</b> The store offers point gets, a collection scan in id order (either way), and
 * one single-field index per top-level field and per system field {@code version},
 * {@code createdAt}, {@code updatedAt}, in (value, id) order, type-bracketed ranges, no entry
 * for a missing field. Result order is (orderBy values, then id in the direction of the last
 * orderBy), a missing orderBy field sorting as null; see {@link ResultOrder}.
 *
 * <p><b>Rules</b>, in order:
 * <ol>
 *   <li>The filters of each field are reduced to a {@link FieldConstraint}; if one admits no
 *       value at all (contradictory bounds, {@code a == 1 AND a == 2}, {@code a != null}) the plan
 *       is {@code empty}.
 *   <li>Unordered access (id order): {@code id ==}/{@code id in} → point gets; else an equality
 *       ({@code ==}, or {@code in} as equality scans merged by id) on an indexed field → equality
 *       index scan, the most selective one by a probe of at most {@link #PROBE_LIMIT} entries per
 *       candidate (no probe when there is one candidate and nothing else needs the count); else
 *       a range or type-class constraint whose probe stays under the limit → collect its ids,
 *       sort them, fetch; else none (collection scan).
 *   <li>No orderBy: the unordered access, or a collection scan in id order.
 *   <li>With orderBy, point gets, or an index access whose probe stayed under the limit on
 *       another field than the first orderBy field: that access plus an in-memory sort (a top-k
 *       heap with a limit). A small candidate set beats walking a large ordered index.
 *   <li>First orderBy field {@code id}: a collection scan in that direction.
 *   <li>First orderBy field indexed: its index in the requested direction, narrowed to that
 *       field's constraint; with no constraint (nothing demands presence), documents missing the
 *       field are merged in at the null position from a collection scan in the same direction.
 *       With more orderBy fields (other than {@code id} in the first field's direction), each
 *       run of equal first values is sorted in memory (memory: the largest run, or the limit).
 *   <li>Otherwise (nested or unindexed first orderBy field): the unordered access or a collection
 *       scan, then an in-memory sort; this is the one plan whose memory grows with the result
 *       (bounded by the limit when there is one).
 * </ol>
 * Every in-memory sort holds its rows within the engine's {@link SortLimits}; a query that would
 * hold more is refused (400) with the index it would need.
 *
 * <p><b>Concurrency.</b> Stateless apart from the store; probes are short index reads. A plan
 * chosen from a probe stays correct if data changes before it runs, it may only cost more.
 */
final class QueryPlanner {
  /** Most index entries a selectivity probe reads; also the bound of plans that collect ids. */
  static final int PROBE_LIMIT = 1000;

  private final ReadView store;
  private final int probeLimit;

  /** {@code probeLimit} is {@link #PROBE_LIMIT} outside tests, which lower it to reach every plan with little data. */
  QueryPlanner(ReadView store, int probeLimit) {
    this.store = store;
    this.probeLimit = probeLimit;
  }

  QueryPlan plan(String database, Query query) {
    Map<String, FieldConstraint> constraints = constraints(query.filters());
    for (FieldConstraint c : constraints.values()) {
      if (c.empty()) {
        return new QueryPlan(query, new Route.Empty("no value of '" + c.field() + "' passes its filters"),
            QueryPlan.Sort.NONE, 0, probeLimit);
      }
    }
    Probe probe = new Probe(database, query.collection());
    List<OrderBy> orderBy = query.orderBy();
    String first = orderBy.isEmpty() ? null : orderBy.get(0).field();
    Route unordered = unordered(constraints, probe, first, query.collection());
    if (first == null) {
      return plan(query, unordered != null ? unordered : new Route.CollectionScan(false), QueryPlan.Sort.NONE, probe);
    }
    boolean descending = orderBy.get(0).direction() == OrderBy.Direction.DESC;
    if (unordered instanceof Route.PointGets || (isBounded(unordered) && !first.equals(fieldOf(unordered)))) {
      return plan(query, unordered, QueryPlan.Sort.IN_MEMORY, probe);
    }
    if (first.equals(SystemFields.ID)) {
      return plan(query, new Route.CollectionScan(descending), QueryPlan.Sort.NONE, probe);
    }
    if (isIndexed(first)) {
      FieldConstraint c = constraints.get(first);
      Route route = new Route.IndexOrdered(first, c == null ? List.of(IndexRange.ALL) : c.ranges(), descending,
          c == null && !SystemFields.INDEXED.contains(first));
      return plan(query, route, tiesInIndexOrder(orderBy) ? QueryPlan.Sort.NONE : QueryPlan.Sort.TIE_GROUPS, probe);
    }
    return plan(query, unordered != null ? unordered : new Route.CollectionScan(false), QueryPlan.Sort.IN_MEMORY,
        probe);
  }

  /**
   * Whether an index walk on the first field already breaks its ties in result order: the index
   * is in (value, id) order, reversed when descending, so {@code [a]} and {@code [a, id]} in
   * a's direction need no re-sorting (and hold no run in memory).
   */
  private static boolean tiesInIndexOrder(List<OrderBy> orderBy) {
    return orderBy.size() == 1 || (orderBy.get(1).field().equals(SystemFields.ID)
        && orderBy.get(1).direction() == orderBy.get(0).direction());
  }

  private QueryPlan plan(Query query, Route route, QueryPlan.Sort sort, Probe probe) {
    return new QueryPlan(query, route, sort, probe.entriesRead, probeLimit);
  }

  /** Constraints by field, in filter order; a nested filter also demands a map at its top-level field. */
  static Map<String, FieldConstraint> constraints(List<Filter> filters) {
    Map<String, FieldConstraint> out = new LinkedHashMap<>();
    for (Filter f : filters) {
      out.computeIfAbsent(f.field(), FieldConstraint::new).add(f);
    }
    for (Filter f : filters) {
      int dot = f.field().indexOf('.');
      if (dot > 0) {
        out.computeIfAbsent(f.field().substring(0, dot), FieldConstraint::new).requireClass(TypeClass.MAP);
      }
    }
    out.values().forEach(FieldConstraint::finish);
    return out;
  }

  /** The best access yielding id order, or null when only a collection scan would do. */
  private Route unordered(Map<String, FieldConstraint> constraints, Probe probe, String orderField,
                          CollectionPath collection) {
    FieldConstraint id = constraints.get(SystemFields.ID);
    if (id != null && id.hasEquality()) {
      return new Route.PointGets(id.stringCandidates().stream().filter(i -> isDocumentId(collection, i)).toList());
    }
    List<FieldConstraint> equalities = new ArrayList<>();
    List<FieldConstraint> ranges = new ArrayList<>();
    for (FieldConstraint c : constraints.values()) {
      if (isIndexed(c.field())) {
        (c.hasEquality() ? equalities : ranges).add(c);
      }
    }
    if (equalities.size() == 1 && (orderField == null || orderField.equals(equalities.get(0).field()))) {
      return new Route.IndexEquality(equalities.get(0).field(), equalities.get(0).candidates(), -1);
    }
    FieldConstraint best = null;
    long bestCount = Long.MAX_VALUE;
    for (FieldConstraint c : equalities.isEmpty() ? ranges : equalities) {
      long n = probe.count(c.field(), c.ranges());
      if (n < bestCount) {
        best = c;
        bestCount = n;
      }
    }
    if (best == null) {
      return null;
    }
    if (best.hasEquality()) {
      return new Route.IndexEquality(best.field(), best.candidates(), bestCount);
    }
    return bestCount < probeLimit ? new Route.IndexIds(best.field(), best.ranges(), bestCount, 10L * probeLimit) : null;
  }

  /** An index access whose probe found fewer entries than the probe limit. */
  private boolean isBounded(Route r) {
    return switch (r) {
      case Route.IndexEquality i -> i.estimate() >= 0 && i.estimate() < probeLimit;
      case Route.IndexIds i -> true;
      case null, default -> false;
    };
  }

  private static String fieldOf(Route r) {
    return switch (r) {
      case Route.IndexEquality i -> i.field();
      case Route.IndexIds i -> i.field();
      default -> null;
    };
  }

  private static boolean isDocumentId(CollectionPath collection, String id) {
    try {
      return collection.document(id).id().equals(id);
    } catch (InvalidInputException e) {
      return false; // no document can have it
    }
  }

  /** Top-level data fields and the indexed system fields have a single-field index. */
  static boolean isIndexed(String field) {
    if (field.equals(SystemFields.ID) || field.equals(SystemFields.COLLECTION) || field.equals(SystemFields.DELETED)) {
      return false;
    }
    try {
      return FieldPath.parse(field).isTopLevel();
    } catch (InvalidInputException e) {
      return false;
    }
  }

  /** Counts index entries in ranges, up to the probe limit in all; remembers what it read. */
  private final class Probe {
    private final String database;
    private final CollectionPath collection;
    long entriesRead;

    Probe(String database, CollectionPath collection) {
      this.database = database;
      this.collection = collection;
    }

    long count(String field, List<IndexRange> ranges) {
      long n = 0;
      for (IndexRange r : ranges) {
        try (Cursor<IndexEntry> c = store.scanIndex(database, collection, field, r, false, null)) {
          while (n < probeLimit && c.hasNext()) {
            c.next();
            n++;
          }
        }
      }
      entriesRead += n;
      return n;
    }
  }
}
