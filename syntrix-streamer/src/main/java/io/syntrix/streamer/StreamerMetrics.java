package io.syntrix.streamer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The streamer's meters (all prefixed {@code syntrix.streamer.}):
 * <ul>
 *   <li>{@code subscriptions} (gauge): subscriptions gateways hold (unsubscribed ones leave it at once);
 *   <li>{@code position} (gauge): seq of the last change the puller processed;
 *   <li>{@code lag.seqs} (gauge): changes committed but not yet processed (change-log last seq minus position);
 *   <li>{@code lag.ms} (gauge): how old the last processed change was when it was processed (processing
 *       time minus its commit timestamp, ms); read it with {@code lag.seqs}, since it holds still while
 *       the puller does;
 *   <li>{@code changes} (counter): changes processed;
 *   <li>{@code events.matched} (counter): (subscription, change) matches queued for delivery;
 *   <li>{@code deliveries} (counter): {@link EventDelivery}s handed to handlers ({@code kind=live|replay});
 *   <li>{@code queue.depth} (gauge, {@code gateway=<id>}): deliveries waiting in a stream's queue;
 *   <li>{@code queue.bytes} (gauge, {@code gateway=<id>}): their estimated size ({@link EventSize});
 *   <li>{@code match.latency} (timer with percentile histogram): per change, from flattening the
 *       images to the last delivery queued, on the puller thread;
 *   <li>{@code cutoffs} (counter, {@code reason}): streams cut off;
 *   <li>{@code replays.running} (gauge): replays for resuming subscriptions in progress, on delivery threads;
 *   <li>{@code resets} (counter): resumes the change log could not serve (a {@code RESET} subscribe
 *       result or an {@link DeliveryHandler#onReset} signal);
 *   <li>{@code changes.failed} (counter): changes the puller skipped after failing every attempt
 *       ({@link DeliveryHandler#onChangeFailed}).
 * </ul>
 *
 * <p>The registry is the caller's ({@link StreamerOptions#meters}); the server passes the one it
 * serves at {@code /metrics}, where the names appear as {@code syntrix_streamer_position} etc.
 */
final class StreamerMetrics {
  static final String PREFIX = "syntrix.streamer.";

  private final MeterRegistry registry;
  private final List<Meter> gauges;
  private final AtomicInteger replaysRunning = new AtomicInteger();
  final Counter resets;
  final Counter changesFailed;
  final Counter changes;
  final Counter matched;
  final Counter liveDeliveries;
  final Counter replayDeliveries;
  final Timer matchLatency;

  StreamerMetrics(MeterRegistry registry, Supplier<Number> subscriptions, Supplier<Number> position,
                  Supplier<Number> lagSeqs, Supplier<Number> lagMillis) {
    this.registry = registry;
    gauges = List.of(
        Gauge.builder(PREFIX + "subscriptions", subscriptions).description("subscriptions gateways hold")
            .register(registry),
        Gauge.builder(PREFIX + "position", position).description("seq of the last change processed")
            .register(registry),
        Gauge.builder(PREFIX + "lag.seqs", lagSeqs).description("changes committed but not yet processed")
            .register(registry),
        Gauge.builder(PREFIX + "lag.ms", lagMillis)
            .description("age of the last processed change when it was processed, ms").register(registry),
        Gauge.builder(PREFIX + "replays.running", replaysRunning, AtomicInteger::get)
            .description("replays for resuming subscriptions in progress").register(registry));
    resets = Counter.builder(PREFIX + "resets").description("resumes the change log could not serve")
        .register(registry);
    changesFailed = Counter.builder(PREFIX + "changes.failed")
        .description("changes skipped after failing every attempt to process them").register(registry);
    changes = Counter.builder(PREFIX + "changes").description("changes processed").register(registry);
    matched = Counter.builder(PREFIX + "events.matched").description("subscription matches queued").register(registry);
    liveDeliveries = Counter.builder(PREFIX + "deliveries").tag("kind", "live").register(registry);
    replayDeliveries = Counter.builder(PREFIX + "deliveries").tag("kind", "replay").register(registry);
    matchLatency = Timer.builder(PREFIX + "match.latency")
        .description("per change: flatten, match and queue deliveries")
        .publishPercentileHistogram()
        .publishPercentiles(0.5, 0.99)
        .minimumExpectedValue(Duration.ofNanos(1_000))
        .maximumExpectedValue(Duration.ofSeconds(1))
        .register(registry);
  }

  void recordMatch(long nanos, int matches) {
    changes.increment();
    if (matches > 0) {
      matched.increment(matches);
    }
    matchLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The gauges of one stream's queue; removed with the stream ({@link #remove}). */
  List<Meter> queueGauges(InProcessStream stream) {
    return List.of(
        Gauge.builder(PREFIX + "queue.depth", stream, InProcessStream::queueDepth)
            .tag("gateway", stream.gatewayId())
            .description("deliveries waiting in the stream's queue")
            .register(registry),
        Gauge.builder(PREFIX + "queue.bytes", stream, InProcessStream::queueBytes)
            .tag("gateway", stream.gatewayId())
            .description("estimated bytes of the deliveries waiting in the stream's queue")
            .baseUnit("bytes")
            .register(registry));
  }

  void cutOff(CutOff.Reason reason) {
    registry.counter(PREFIX + "cutoffs", "reason", reason.name().toLowerCase(java.util.Locale.ROOT)).increment();
  }

  void remove(List<Meter> meters) {
    meters.forEach(registry::remove);
  }

  void replayStarted() {
    replaysRunning.incrementAndGet();
  }

  void replayEnded() {
    replaysRunning.decrementAndGet();
  }

  /** Drops the gauges that refer to the streamer (counters and the timer keep their totals). */
  void close() {
    remove(gauges);
  }
}
