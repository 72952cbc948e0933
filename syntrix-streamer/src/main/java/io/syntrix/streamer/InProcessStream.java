package io.syntrix.streamer;

import io.micrometer.core.instrument.Meter;
import io.syntrix.model.ChangeEvent.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway's {@link Stream}: its subscriptions, its bounded delivery queue and the thread that
 * drains the queue into the gateway's {@link DeliveryHandler}.
 *
 * <p><b>Lifecycle.</b> {@code OPEN → CUT_OFF → CLOSED}, or {@code OPEN → CLOSED}; every move goes
 * through {@link #transition}, which refuses the others. CUT_OFF: the streamer removed the
 * stream's subscriptions from the matcher and queued an {@link QueueItem.End}; the delivery thread
 * hands over what is queued before it, then {@link DeliveryHandler#onCutOff}, then stops. CLOSED:
 * the gateway closed the stream (or the cut-off was delivered); nothing more is handed over.
 *
 * <p><b>Queue.</b> Unbounded structurally; two budgets bound the {@link QueueItem.Pending} items
 * only (replay and end markers are few and must never be refused): {@code capacity} deliveries
 * and {@code maxBytes} of their estimated size ({@link EventSize}), so a gateway falling behind on
 * a few large documents is caught as surely as one behind on many small ones (D12). The puller
 * offers without ever blocking: when a delivery would exceed either budget the stream is cut off
 * ({@link CutOff.Reason#SLOW_CONSUMER}) instead, so a slow gateway costs only itself. A delivery's
 * bytes are released once the handler returns from it (until then the handler holds the event);
 * one delivery larger than the whole byte budget is still taken into an empty queue, so a small
 * budget cannot cut a gateway off on every resume.
 *
 * <p><b>Resume positions.</b> The delivery thread tracks {@code liveDeliveredThrough}, the seq of the
 * last live delivery handed over. Live deliveries are queued in seq order and a subscription's
 * replay marker precedes its live deliveries, so once a subscription's replay is done, every
 * change it matched up to {@code max(skipThrough, liveDeliveredThrough)} has been handed over; a
 * subscription still replaying has everything up to its {@code replayedThrough}. An End marker is
 * reached only after everything queued before it, so at that point every subscription is complete
 * up to the marker's {@code through}.
 *
 * <p><b>Threads.</b> The staging arrays are guarded by the streamer's match lock, and so are
 * additions to {@code subscriptions}; {@link #unsubscribe} removes from it without the lock (it
 * is called on event loops, which must not wait for matching). The delivery thread
 * ({@code syntrix-streamer-delivery-<gatewayId>}) owns {@code liveDeliveredThrough} and reads
 * {@code subscriptions} only once the stream is no longer OPEN, when nothing is added to it any
 * more (an unsubscribe racing the cut-off may still take its own entry out, and then is absent
 * from the {@link CutOff}'s positions, which the gateway no longer needs).
 */
final class InProcessStream implements Stream {
  private static final Logger log = LoggerFactory.getLogger(InProcessStream.class);

  enum State { OPEN, CUT_OFF, CLOSED }

  private static final long REFERENCE = 4;

  private final InProcessStreamer streamer;
  private final String gatewayId;
  private final DeliveryHandler handler;
  private final int capacity;
  private final long maxBytes;
  private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
  private final LinkedBlockingQueue<QueueItem> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final Thread thread;
  /** Registered and removed by the streamer under the match lock, while this is the gateway's current stream. */
  List<Meter> gauges = List.of();
  private final Replayer replayer;

  /**
   * Written under the streamer's match lock, except that an unsubscribe removes its entry without
   * the lock (so it never waits for matching); not added to once the stream is not OPEN.
   */
  final ConcurrentHashMap<String, StreamSubscription> subscriptions = new ConcurrentHashMap<>();

  // The change being matched: puller thread, under the match lock.
  private StreamSubscription[] stagedSubscriptions = new StreamSubscription[4];
  private Op[] stagedOperations = new Op[4];
  private int staged;

  // Delivery thread only.
  private long liveDeliveredThrough;

  InProcessStream(InProcessStreamer streamer, String gatewayId, DeliveryHandler handler, int capacity,
                  long maxBytes) {
    this.streamer = streamer;
    this.gatewayId = gatewayId;
    this.handler = handler;
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.replayer = new Replayer(streamer.changeLog(), streamer.options().readBatch(), handler, streamer.metrics(),
        streamer::inspect);
    this.thread = Thread.ofPlatform().name("syntrix-streamer-delivery-" + gatewayId).daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  @Override
  public String gatewayId() {
    return gatewayId;
  }

  @Override
  public SubscribeResult subscribe(SubscribeRequest request) {
    return streamer.subscribe(this, request);
  }

  @Override
  public boolean unsubscribe(String subscriptionId) {
    return streamer.unsubscribe(this, subscriptionId);
  }

  @Override
  public boolean isOpen() {
    return state.get() == State.OPEN;
  }

  State state() {
    return state.get();
  }

  int queueDepth() {
    return pending.get();
  }

  long queueBytes() {
    return pendingBytes.get();
  }

  /** Moves the lifecycle from {@code from} to {@code to}; false (and no change) if it is not in {@code from}. */
  boolean transition(State from, State to) {
    if (!state.compareAndSet(from, to)) {
      return false;
    }
    log.debug("stream of gateway {}: {} -> {}", gatewayId, from, to);
    return true;
  }

  // ---- puller side, under the match lock ----

  /** Stages one match of the change being processed; true if it is the stream's first for that change. */
  boolean stage(StreamSubscription s, Op op) {
    if (staged == stagedSubscriptions.length) {
      stagedSubscriptions = Arrays.copyOf(stagedSubscriptions, staged * 2);
      stagedOperations = Arrays.copyOf(stagedOperations, staged * 2);
    }
    stagedSubscriptions[staged] = s;
    stagedOperations[staged] = op;
    return staged++ == 0;
  }

  int stagedCount() {
    return staged;
  }

  /** Forgets the staged matches of a change whose processing failed (it will be retried or skipped). */
  void discardStaged() {
    Arrays.fill(stagedSubscriptions, 0, staged, null);
    staged = 0;
  }

  /**
   * Queues the staged matches as one delivery of {@code event}, which weighs {@code eventBytes};
   * false if that would exceed the queue's capacity or byte budget (nothing queued).
   */
  boolean offerStaged(Event event, long eventBytes) {
    int n = staged;
    staged = 0;
    QueueItem.Pending p = new QueueItem.Pending(event, Arrays.copyOf(stagedSubscriptions, n),
        Arrays.copyOf(stagedOperations, n), eventBytes + QueueItem.Pending.OVERHEAD + 2L * REFERENCE * n);
    Arrays.fill(stagedSubscriptions, 0, n, null);
    long bytes = pendingBytes.get();
    if (pending.get() >= capacity || (bytes > 0 && bytes + p.bytes() > maxBytes)) {
      return false;
    }
    pending.incrementAndGet();
    pendingBytes.addAndGet(p.bytes());
    queue.add(p);
    return true;
  }

  /** Why an offer was refused, for the log. */
  String budgetReport() {
    return pending.get() + " deliveries (" + pendingBytes.get() + " bytes) waiting; the budget is " + capacity
        + " deliveries, " + maxBytes + " bytes";
  }

  /** Queues a marker (replay, skipped change or end); never refused. */
  void enqueue(QueueItem item) {
    queue.add(item);
  }

  // ---- delivery thread ----

  private void run() {
    try {
      while (state.get() != State.CLOSED) {
        QueueItem item = queue.take();
        switch (item) {
          case QueueItem.Pending p -> {
            pending.decrementAndGet();
            try {
              deliver(p);
            } finally {
              pendingBytes.addAndGet(-p.bytes());
            }
          }
          case QueueItem.Replay r -> replay(r);
          case QueueItem.ChangeFailed f -> changeFailed(f);
          case QueueItem.End e -> {
            end(e);
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      // closed by the gateway
    } catch (RuntimeException e) {
      if (state.get() != State.CLOSED) {
        handlerFailed(e);
      }
    } finally {
      queue.clear();
      pending.set(0);
      pendingBytes.set(0);
    }
  }

  private void deliver(QueueItem.Pending p) {
    StreamSubscription[] subs = p.subscriptions();
    List<String> ids = new ArrayList<>(subs.length);
    List<Op> ops = new ArrayList<>(subs.length);
    for (int i = 0; i < subs.length; i++) {
      if (subs[i].active) {
        ids.add(subs[i].id);
        ops.add(p.operations()[i]);
      }
    }
    if (!ids.isEmpty() && state.get() != State.CLOSED) {
      handler.onDelivery(new EventDelivery(ids, ops, p.event()));
      streamer.metrics().liveDeliveries.increment();
    }
    liveDeliveredThrough = p.event().seq();
  }

  private void changeFailed(QueueItem.ChangeFailed f) {
    List<String> ids = new ArrayList<>(f.subscriptions().length);
    for (StreamSubscription s : f.subscriptions()) {
      if (s.active) {
        ids.add(s.id);
      }
    }
    if (!ids.isEmpty() && state.get() != State.CLOSED) {
      handler.onChangeFailed(List.copyOf(ids), f.seq(), f.reason());
    }
  }

  private void replay(QueueItem.Replay first) {
    List<QueueItem.Replay> group = new ArrayList<>();
    group.add(first);
    while (queue.peek() instanceof QueueItem.Replay next) {
      queue.poll();
      group.add(next);
    }
    replayer.run(group, () -> state.get() == State.CLOSED);
  }

  private void end(QueueItem.End e) {
    Map<String, Long> positions = new HashMap<>();
    for (StreamSubscription s : subscriptions.values()) {
      positions.put(s.id, s.resumeAfter(Math.max(liveDeliveredThrough, e.through())));
    }
    transition(State.CUT_OFF, State.CLOSED);
    signalCutOff(new CutOff(e.reason(), positions));
  }

  private void handlerFailed(RuntimeException failure) {
    log.warn("delivery handler of gateway {} failed; cutting the stream off", gatewayId, failure);
    streamer.cutOffFailedStream(this);
    Map<String, Long> positions = new HashMap<>();
    for (StreamSubscription s : subscriptions.values()) {
      positions.put(s.id, s.resumeAfter(liveDeliveredThrough));
    }
    transition(State.CUT_OFF, State.CLOSED);
    signalCutOff(new CutOff(CutOff.Reason.HANDLER_FAILED, positions));
  }

  private void signalCutOff(CutOff cutOff) {
    log.info("stream of gateway {} cut off: {}", gatewayId, cutOff.reason());
    try {
      handler.onCutOff(cutOff);
    } catch (RuntimeException e) {
      log.warn("delivery handler of gateway {} failed on its cut-off signal", gatewayId, e);
    }
  }

  @Override
  public void close() {
    streamer.closeStream(this);
    if (Thread.currentThread() != thread) {
      thread.interrupt();
      join(5, TimeUnit.SECONDS);
    }
  }

  /** Waits for the delivery thread to finish; false on timeout. */
  boolean join(long timeout, TimeUnit unit) {
    try {
      return thread.join(java.time.Duration.ofNanos(unit.toNanos(timeout)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String toString() {
    return "stream of gateway " + gatewayId + " (" + state.get() + ")";
  }
}
