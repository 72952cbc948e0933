package io.syntrix.gateway;

import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.store.DocumentStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/** {@code /health} (liveness, as the original: text "OK"), {@code /ready} (JSON), {@code /metrics} (Prometheus). */
final class OpsApi {
  private final DocumentStore store;
  private final GatewayMetrics metrics;
  private final BooleanSupplier ready;

  OpsApi(DocumentStore store, GatewayMetrics metrics, BooleanSupplier ready) {
    this.store = store;
    this.metrics = metrics;
    this.ready = ready;
  }

  void mount(Router router) {
    router.get("/health").handler(Handlers.named("health", ctx ->
        ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("OK\n")));
    router.get("/ready").handler(Handlers.named("ready", this::ready));
    router.get("/metrics").handler(Handlers.named("metrics", ctx ->
        ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape())));
  }

  private void ready(RoutingContext ctx) {
    boolean isReady = ready.getAsBoolean();
    Responses.json(ctx, isReady ? 200 : 503, MapValue.builder()
        .put("status", new StringValue(isReady ? "ready" : "stopping"))
        .put("seq", IntegerValue.of(store.changeLog().lastSeq()))
        .build());
  }
}
