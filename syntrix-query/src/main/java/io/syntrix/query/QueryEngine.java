package io.syntrix.query;

import io.syntrix.model.Query;
import io.syntrix.model.ResourcePaths;
import io.syntrix.store.ReadView;

/**
 * Plans and runs queries (D5) on any {@link ReadView}: every filter applies, results come
 * ordered by the {@code orderBy} fields then id, and {@code startAfter} pages never overlap or
 * skip. {@link QueryPlanner} says how a plan is chosen. Thread-safe; cursors are not.
 */
public final class QueryEngine {
  private final ReadView store;
  private final QueryPlanner planner;
  private final SortLimits sortLimits;

  public QueryEngine(ReadView store) {
    this(store, SortLimits.DEFAULTS);
  }

  /** With other bounds on what one query may sort in memory. */
  public QueryEngine(ReadView store, SortLimits sortLimits) {
    this(store, QueryPlanner.PROBE_LIMIT, sortLimits);
  }

  /** With a lower probe limit, so that tests reach every plan with little data. */
  QueryEngine(ReadView store, int probeLimit) {
    this(store, probeLimit, SortLimits.DEFAULTS);
  }

  QueryEngine(ReadView store, int probeLimit, SortLimits sortLimits) {
    this.store = store;
    this.planner = new QueryPlanner(store, probeLimit);
    this.sortLimits = sortLimits;
  }

  /** The plan {@link #execute} would use, without running it (it may probe indexes). */
  public QueryPlan explain(String database, Query query) {
    ResourcePaths.requireDatabase(database);
    return planner.plan(database, query);
  }

  /**
   * Runs the query: matching documents in order, streamed (memory stays flat unless the plan
   * says it sorts, and then within the {@link SortLimits}). Throws
   * {@link io.syntrix.model.InvalidInputException} for a query that can never run (e.g. a
   * {@code startAfter} document that does not exist when ordering by a field); the cursor throws
   * it too, from {@code hasNext}, when a sort outgrows its limits. An in-memory sort of the
   * whole result happens on the first {@code hasNext}, and a re-sorted run of equal first values
   * when the run is reached. The caller closes the cursor (it holds store iterators until
   * exhausted or closed).
   */
  public QueryCursor execute(String database, Query query) {
    QueryPlan plan = explain(database, query);
    return new Execution(plan, new Reader(store, database, query.collection(), query.showDeleted()), sortLimits);
  }
}
