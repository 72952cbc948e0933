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

  public QueryEngine(ReadView store) {
    this(store, QueryPlanner.PROBE_LIMIT);
  }

  /** With a lower probe limit, so that tests reach every plan with little data. */
  QueryEngine(ReadView store, int probeLimit) {
    this.store = store;
    this.planner = new QueryPlanner(store, probeLimit);
  }

  /** The plan {@link #execute} would use, without running it (it may probe indexes). */
  public QueryPlan explain(String database, Query query) {
    ResourcePaths.requireDatabase(database);
    return planner.plan(database, query);
  }

  /**
   * Runs the query: matching documents in order, streamed (memory stays flat unless the plan
   * says it sorts). Throws {@link io.syntrix.model.InvalidInputException} for a query that can
   * never run (e.g. a {@code startAfter} document that does not exist when ordering by a field).
   * The caller closes the cursor (it holds store iterators until exhausted or closed).
   */
  public QueryCursor execute(String database, Query query) {
    QueryPlan plan = explain(database, query);
    return new Execution(plan, new Reader(store, database, query.collection(), query.showDeleted()));
  }
}
