package io.syntrix.gateway;

import io.syntrix.rules.Action;
import io.syntrix.gateway.RequestPolicy.Operation;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.query.QueryCursor;
import io.syntrix.query.QueryEngine;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code POST /api/v1/databases/{db}/query}: the matching documents as a bare JSON array (the
 * SDK expects no envelope), streamed so memory stays flat whatever the limit; and
 * {@code POST .../query/explain}: the plan and what running it cost.
 *
 * <p>The query is parsed and planned before the status line is written, so every invalid query
 * is a clean 400. A failure after streaming began resets the connection (a truncated array is
 * never passed off as a complete answer).
 */
final class QueryApi {
  private final QueryEngine engine;
  private final RequestPolicy policy;
  private final GatewayMetrics metrics;

  QueryApi(QueryEngine engine, RequestPolicy policy, GatewayMetrics metrics) {
    this.engine = engine;
    this.policy = policy;
    this.metrics = metrics;
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
    parse(ctx).compose(r -> ctx.vertx().executeBlocking(() -> {
      try (QueryCursor cursor = engine.execute(r.database(), r.query())) {
        try (ResponseStream out = new ResponseStream(ctx.response().setStatusCode(200), Responses.JSON)) {
          out.write('[');
          boolean first = true;
          while (cursor.hasNext()) {
            if (!first) {
              out.write(',');
            }
            Json.writeTo(cursor.next().toFlat(), new NonClosing(out));
            first = false;
          }
          out.write(']');
          out.write('\n');
        } finally {
          metrics.queryRan(cursor.documentsExamined(), cursor.indexEntriesRead());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    }, false)).onFailure(ctx::fail);
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

  /** Keeps Json.writeTo (which closes its generator) from ending the response after one document. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(java.io.OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() {
      // the outer stream decides when a chunk is complete
    }

    @Override
    public void close() {
      // not ours to close
    }
  }
}
