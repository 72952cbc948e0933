package io.syntrix.query;

import io.syntrix.model.Query;
import io.syntrix.store.DocumentStore;

/**
 * Plans and runs queries (D5) on any {@link DocumentStore}. Thread-safe; cursors are not.
 */
public final class QueryEngine {
  private final DocumentStore store;

  public QueryEngine(DocumentStore store) {
    this.store = store;
  }

  /** The plan {@link #execute} would use, without running it. */
  public QueryPlan explain(String database, Query query) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Runs the query: matching documents in order, streamed (memory stays flat unless the plan
   * says it sorts). Throws {@link io.syntrix.model.InvalidInputException} for a query that can
   * never run (e.g. a {@code startAfter} document that does not exist when ordering by a field).
   */
  public QueryCursor execute(String database, Query query) {
    throw new UnsupportedOperationException("TODO " + store);
  }
}
