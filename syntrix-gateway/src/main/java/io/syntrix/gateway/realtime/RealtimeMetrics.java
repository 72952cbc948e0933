package io.syntrix.gateway.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The realtime gateway's counters, read by the server's metrics ({@code syntrix.realtime.*}):
 * slow-consumer cut-offs, limits refused by code, catch-ups running and their outcomes, held
 * events overflowed to the change log. Plain atomics, so the realtime package needs no registry.
 */
public final class RealtimeMetrics {
  private final AtomicLong slowConsumers = new AtomicLong();
  private final AtomicLong heldOverflows = new AtomicLong();
  private final AtomicLong replays = new AtomicLong();
  private final AtomicLong snapshots = new AtomicLong();
  private final AtomicLong resets = new AtomicLong();
  private final AtomicInteger catchUpsRunning = new AtomicInteger();
  private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();

  void slowConsumer() {
    slowConsumers.incrementAndGet();
  }

  void heldOverflow() {
    heldOverflows.incrementAndGet();
  }

  void catchUpStarted(boolean snapshot, boolean reset) {
    catchUpsRunning.incrementAndGet();
    (snapshot ? snapshots : replays).incrementAndGet();
    if (reset) {
      resets.incrementAndGet();
    }
  }

  void catchUpEnded() {
    catchUpsRunning.decrementAndGet();
  }

  void refused(String code) {
    refused.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
  }

  public long slowConsumers() {
    return slowConsumers.get();
  }

  public long heldOverflows() {
    return heldOverflows.get();
  }

  public long replays() {
    return replays.get();
  }

  public long snapshots() {
    return snapshots.get();
  }

  public long resets() {
    return resets.get();
  }

  public int catchUpsRunning() {
    return catchUpsRunning.get();
  }

  /** Refusals so far by error code ({@code too_many_subscriptions}, {@code auth_timeout}, ...). */
  public Map<String, Long> refusals() {
    Map<String, Long> out = new java.util.TreeMap<>();
    refused.forEach((code, n) -> out.put(code, n.get()));
    return out;
  }
}
