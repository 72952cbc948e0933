package io.syntrix.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/** Small plumbing shared by the APIs: route names for metrics, and answering from a future. */
final class Handlers {
  static final String ROUTE = "syntrix.route";

  private Handlers() {}

  /** Tags the request with a route name (for metrics) and routes exceptions to the failure handler. */
  static Handler<RoutingContext> named(String route, Handler<RoutingContext> handler) {
    return ctx -> {
      ctx.put(ROUTE, route);
      try {
        handler.handle(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }

  /** Answers with {@code onSuccess} when the future succeeds, through the failure handler otherwise. */
  /** Runs {@code work} on a worker (it may read or fsync the store) and answers with its result on the event loop. */
  static <T> void offLoop(RoutingContext ctx, java.util.concurrent.Callable<T> work, Consumer<T> onSuccess) {
    respond(ctx, ctx.vertx().executeBlocking(work, false), onSuccess);
  }

  static <T> void respond(RoutingContext ctx, Future<T> future, Consumer<T> onSuccess) {
    future.onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      try {
        onSuccess.accept(result.result());
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    });
  }
}
