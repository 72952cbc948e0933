package io.syntrix.gateway;

import io.syntrix.rules.Action;
import io.syntrix.gateway.RequestPolicy.Operation;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.query.QueryCursor;
import io.syntrix.query.QueryEngine;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/**
 * {@code POST /api/v1/databases/{db}/query}: the matching documents as a bare JSON array (the
 * SDK expects no envelope), streamed so memory stays flat whatever the limit; and
 * {@code POST .../query/explain}: the plan and what running it cost.
 *
 * <p>The query is parsed and planned before the status line is written, so every invalid query
 * is a clean 400, and so is one whose in-memory sort outgrows its limits before the first
 * 16 KiB of results. A failure after streaming began, or a response past its deadline
 * ({@link ResponseStream}), closes the connection without ending the body: a truncated array is
 * never passed off as a complete answer.
 */
final class QueryApi {
  private final QueryEngine engine;
  private final RequestPolicy policy;
  private final GatewayMetrics metrics;
  private final StreamedResponses streams;

  QueryApi(QueryEngine engine, RequestPolicy policy, GatewayMetrics metrics, StreamedResponses streams) {
    this.engine = engine;
    this.policy = policy;
    this.metrics = metrics;
    this.streams = streams;
  }

  void mount(Router router) {
    router.post("/api/v1/databases/:db/query").handler(Handlers.named("query", this::query));
    router.post("/api/v1/databases/:db/query/explain").handler(Handlers.named("query.explain", this::explain));
  }

  private record Request(String database, Query query) {}

  /** Parses and authorizes: rules decide {@code list} on the collection, with the query visible to them. */
  private Future<Request> parse(RoutingContext ctx) {
    String db = policy.resolveDatabase(ctx, ctx.pathParam("db"));
    Query query = Query.fromValue(Bodies.object(ctx));
    return policy.authorize(ctx, db, Operation.list(query.collection().value(), query))
        .map(ok -> new Request(db, query));
  }

  private void query(RoutingContext ctx) {
    parse(ctx).onSuccess(r -> streams.send(ctx, Responses.JSON, out -> {
      try (QueryCursor cursor = engine.execute(r.database(), r.query())) {
        try {
          writeArray(cursor, out);
        } finally {
          metrics.queryRan(cursor.documentsExamined(), cursor.indexEntriesRead());
        }
      }
    })).onFailure(ctx::fail);
  }

  /**
   * The array, one document at a time. Nothing leaves before the first 16 KiB, so an in-memory
   * sort refused on the first {@code hasNext} (or a re-sorted run refused early) is still a 400.
   */
  private static void writeArray(QueryCursor cursor, ResponseStream out) throws IOException {
    out.write('[');
    boolean first = true;
    while (cursor.hasNext()) {
      if (!first) {
        out.write(',');
      }
      out.writeJson(cursor.next().toFlat());
      first = false;
    }
    out.write(']');
    out.write('\n');
  }

  private void explain(RoutingContext ctx) {
    Handlers.respond(ctx, parse(ctx).compose(r -> ctx.vertx().executeBlocking(() -> {
      long returned = 0;
      try (QueryCursor cursor = engine.execute(r.database(), r.query())) {
        while (cursor.hasNext()) {
          cursor.next();
          returned++;
        }
        metrics.queryRan(cursor.documentsExamined(), cursor.indexEntriesRead());
        return MapValue.builder()
            .put("plan", new StringValue(cursor.plan().describe()))
            .put("documentsExamined", IntegerValue.of(cursor.documentsExamined()))
            .put("indexEntriesRead", IntegerValue.of(cursor.indexEntriesRead()))
            .put("returned", IntegerValue.of(returned))
            .build();
      }
    }, false)), body -> Responses.json(ctx, 200, body));
  }
}
