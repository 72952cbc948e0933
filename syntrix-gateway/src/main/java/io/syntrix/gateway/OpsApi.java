package io.syntrix.gateway;

import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.store.DocumentStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code /health} (liveness, as the original: text "OK"), {@code /ready} (JSON: 200 when ready,
 * 503 with a {@code reason} when not, e.g. the store's committer or the streamer's puller died),
 * {@code /metrics} (Prometheus).
 */
final class OpsApi {
  /** What {@code /ready} says; {@code reason} is null when ready. */
  record Readiness(String status, String reason) {
    static final Readiness READY = new Readiness("ready", null);
  }

  private final DocumentStore store;
  private final GatewayMetrics metrics;
  private final Supplier<Readiness> ready;

  OpsApi(DocumentStore store, GatewayMetrics metrics, Supplier<Readiness> ready) {
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
    Readiness r = ready.get();
    MapValue.Builder body = MapValue.builder()
        .put("status", new StringValue(r.status()))
        .put("seq", IntegerValue.of(store.changeLog().lastSeq()));
    if (r.reason() != null) {
      body.put("reason", new StringValue(r.reason()));
    }
    Responses.json(ctx, r.reason() == null ? 200 : 503, body.build());
  }
}
