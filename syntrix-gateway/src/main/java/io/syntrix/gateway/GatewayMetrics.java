package io.syntrix.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.syntrix.model.ChangeEvent;
import io.syntrix.store.DocumentStore;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Map;

/**
 * The gateway's Prometheus metrics: request counts and latencies by route, documents written by
 * operation, the change-log position, what queries cost, streamed responses open and cut off,
 * replication push batches and writes judged again. Served at {@code /metrics}, which shows
 * everything in the registry: the server hands the same one to the streamer, so its
 * {@code syntrix_streamer_*} meters appear there too.
 */
final class GatewayMetrics {
  /** Access log: one structured line per request, off unless its logger is enabled. */
  private static final org.slf4j.Logger access = org.slf4j.LoggerFactory.getLogger("syntrix.access");
  private final PrometheusMeterRegistry registry;
  private final Map<ChangeEvent.Op, Counter> written = new EnumMap<>(ChangeEvent.Op.class);
  private final Counter examined;
  private final Counter indexEntries;
  private final Counter rejudged;
  private final Counter busy;
  private final java.util.concurrent.atomic.AtomicInteger streaming = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<ResponseStream.Reason, Counter> cut = new EnumMap<>(ResponseStream.Reason.class);
  private final Counter pushBatches;

  GatewayMetrics(PrometheusMeterRegistry registry, DocumentStore store) {
    this.registry = registry;
    for (ChangeEvent.Op op : ChangeEvent.Op.values()) {
      written.put(op, Counter.builder("syntrix.documents.written").description("Documents committed, by operation")
          .tag("op", op.wireName()).register(registry));
    }
    Gauge.builder("syntrix.changelog.seq", store, s -> s.changeLog().lastSeq())
        .description("Highest committed change-log seq").register(registry);
    examined = Counter.builder("syntrix.query.documents.examined")
        .description("Documents read and evaluated by queries, matching or not").register(registry);
    indexEntries = Counter.builder("syntrix.query.index.entries")
        .description("Index entries read by queries").register(registry);
    busy = Counter.builder("syntrix.writes.busy")
        .description("Writes refused with 503 because the store's write queue was full").register(registry);
    rejudged = Counter.builder("syntrix.writes.rejudged")
        .description("Writes judged again because their document changed after the rules allowed them")
        .register(registry);
    Gauge.builder("syntrix.http.streams.open", streaming, java.util.concurrent.atomic.AtomicInteger::get)
        .description("Streamed responses being written (each holds a worker and its store iterators)")
        .register(registry);
    for (ResponseStream.Reason r : ResponseStream.Reason.values()) {
      cut.put(r, Counter.builder("syntrix.http.streams.cut").tag("reason", r.tag)
          .description("Streamed responses cut off before their end, by reason").register(registry));
    }
    pushBatches = Counter.builder("syntrix.replication.push.batches")
        .description("Batches of replication push changes written together").register(registry);
  }

  /** First handler of the chain: times the request and records it under its route once it ends. */
  void time(RoutingContext ctx) {
    long started = System.nanoTime();
    ctx.addEndHandler(ignored -> {
      String route = ctx.get(Handlers.ROUTE);
      long nanos = System.nanoTime() - started;
      if (access.isInfoEnabled()) {
        access.atInfo().addKeyValue("method", ctx.request().method().name()).addKeyValue("path", ctx.request().path())
            .addKeyValue("route", route).addKeyValue("status", ctx.response().getStatusCode())
            .addKeyValue("ms", nanos / 1e6).addKeyValue("requestId", RequestIds.of(ctx)).log("request");
      }
      Timer.builder("syntrix.http.server.requests")
          .description("HTTP requests by route and status")
          .tag("method", ctx.request().method().name())
          .tag("route", route == null ? "unmatched" : route)
          .tag("status", Integer.toString(ctx.response().getStatusCode()))
          .publishPercentileHistogram()
          .register(registry)
          .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    });
    ctx.next();
  }

  void realtime(io.syntrix.gateway.realtime.RealtimeServer realtime) {
    var m = realtime.metrics();
    Gauge.builder("syntrix.realtime.subscriptions", realtime, r -> r.subscriptions())
        .description("Live realtime subscriptions").register(registry);
    Gauge.builder("syntrix.realtime.connections", realtime, r -> r.connections())
        .description("Open realtime connections (WebSocket and SSE)").register(registry);
    Gauge.builder("syntrix.realtime.pending.bytes", realtime, r -> r.pendingBytes())
        .description("Bytes queued for realtime clients or in their transport, all connections").register(registry);
    Gauge.builder("syntrix.realtime.slow.consumers", m, r -> r.slowConsumers())
        .description("Connections cut off for falling behind their byte budget or stalling").register(registry);
    Gauge.builder("syntrix.realtime.catchups.running", m, r -> r.catchUpsRunning())
        .description("Snapshots and replays being sent").register(registry);
    Gauge.builder("syntrix.realtime.catchups", m, r -> r.replays()).tag("kind", "replay")
        .description("Catch-ups started, by kind").register(registry);
    Gauge.builder("syntrix.realtime.catchups", m, r -> r.snapshots()).tag("kind", "snapshot")
        .description("Catch-ups started, by kind").register(registry);
    Gauge.builder("syntrix.realtime.resets", m, r -> r.resets())
        .description("Reset snapshots sent instead of a replay").register(registry);
    Gauge.builder("syntrix.realtime.held.overflows", m, r -> r.heldOverflows())
        .description("Held live events dropped to be re-read from the change log").register(registry);
    for (String code : new String[] {"too_many_connections", "too_many_subscriptions", "rate_limited", "auth_timeout"}) {
      Gauge.builder("syntrix.realtime.refused", m, r -> r.refusals().getOrDefault(code, 0L)).tag("code", code)
          .description("Realtime requests refused by a limit").register(registry);
    }
  }

  void writeRefusedBusy() {
    busy.increment();
  }

  void rejudged() {
    rejudged.increment();
  }

  void documentWritten(ChangeEvent.Op op) {
    written.get(op).increment();
  }

  void queryRan(long documentsExamined, long indexEntriesRead) {
    examined.increment(documentsExamined);
    indexEntries.increment(indexEntriesRead);
  }

  void streamOpened() {
    streaming.incrementAndGet();
  }

  /** A streamed response is over; {@code cutReason} is null when it ended normally (or answered an error). */
  void streamClosed(ResponseStream.Reason cutReason) {
    streaming.decrementAndGet();
    if (cutReason != null) {
      cut.get(cutReason).increment();
    }
  }

  void pushBatchWritten() {
    pushBatches.increment();
  }

  String scrape() {
    return registry.scrape();
  }
}
