package io.syntrix.gateway.realtime;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection (WebSocket or SSE): its subscriptions and its bounded outbox.
 *
 * <p><b>Outbox.</b> Every frame to the client — acks, snapshots, events, errors — goes through
 * one FIFO queue drained on the connection's event loop into the transport, pausing while the
 * transport's own write queue is full. The hub adds events from its delivery thread without
 * blocking. When the queue holds more than {@code maxQueue} frames the client is not keeping up:
 * it gets an {@code error} with code {@code slow_consumer} and the connection closes. Nothing is
 * ever dropped silently; the client reconnects and resumes with {@code resumeAfter}.
 *
 * <p><b>Subscription gating.</b> A new subscription starts "not ready": events the hub hands over
 * are held until its ack (and snapshot, if asked) are queued, then released in order. Events
 * with a seq at or below the snapshot's seq are dropped: the snapshot already shows them. Gating
 * and queueing happen under the session's monitor, so ack, snapshot and events reach the client
 * in that order.
 */
abstract class Session {
  private static final AtomicLong IDS = new AtomicLong();
  /** Connections cut off as slow consumers, process-wide (exposed as a metric). */
  static final AtomicLong SLOW_CONSUMERS = new AtomicLong();

  private final String id = "s" + IDS.incrementAndGet();
  final Context context;
  final int maxQueue;
  private final ConcurrentLinkedQueue<Out> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile boolean closed;
  /** Subscriptions by streamer id; gating state is guarded by {@code this}. */
  final Map<String, Sub> subs = new ConcurrentHashMap<>();

  /** A frame and the seq it carries (SSE writes it as the event id), or -1. */
  record Out(byte[] frame, long seq) {}

  /** A subscription's gate. */
  static final class Sub {
    final String streamerId;
    final String clientId;
    final String database;
    final Subscriptions.Spec spec;
    boolean ready;
    long dropUpTo = -1;
    final List<Out> held = new ArrayList<>();

    Sub(String streamerId, String database, Subscriptions.Spec spec) {
      this.streamerId = streamerId;
      this.clientId = spec.clientId();
      this.database = database;
      this.spec = spec;
    }
  }

  Session(Context context, int maxQueue) {
    this.context = context;
    this.maxQueue = maxQueue;
  }

  String id() {
    return id;
  }

  boolean isClosed() {
    return closed;
  }

  /** The transport: may it take more, write one frame, call back when it can take more, close. */
  abstract boolean transportFull();

  abstract void transportWrite(Out out);

  abstract void onTransportDrained(Runnable r);

  abstract void closeTransport();

  /** Queues a control frame (ack, snapshot, error, heartbeat). Any thread. */
  final synchronized void send(byte[] frame) {
    enqueue(new Out(frame, -1));
  }

  /** From the hub: an event for one subscription. Any thread; never blocks. */
  final synchronized void deliver(String streamerId, String clientId, long seq, byte[] delta) {
    Sub sub = subs.get(streamerId);
    if (sub == null || closed) {
      return;
    }
    Out out = new Out(Frames.event(clientId, seq, delta), seq);
    if (!sub.ready) {
      sub.held.add(out);
      if (sub.held.size() > maxQueue) {
        overflow();
      }
      return;
    }
    if (seq > sub.dropUpTo) {
      enqueue(out);
    }
  }

  /** Opens the gate of a subscription once its ack (and snapshot) are queued. */
  final synchronized void release(Sub sub, long dropUpTo) {
    sub.dropUpTo = dropUpTo;
    sub.ready = true;
    for (Out out : sub.held) {
      if (out.seq() > dropUpTo) {
        enqueue(out);
      }
    }
    sub.held.clear();
  }

  /** Closes the gate again (a reset snapshot is coming); events are held until {@link #release}. */
  final synchronized void hold(Sub sub) {
    sub.ready = false;
  }

  /** From the hub: retention purged changes a resuming subscription needed. */
  abstract void resetSnapshot(String streamerId, String clientId);

  /** The session was cut off: release its subscriptions now, without waiting for the transport to close. */
  abstract void cutOff();

  /** Sends an error and closes (e.g. a subscription that cannot be resumed). */
  final void fail(String code, String message) {
    synchronized (this) {
      outbox.clear();
      queued.set(0);
      enqueue(new Out(Frames.error(null, code, message), -1));
    }
    context.runOnContext(v -> {
      drain();
      closeTransport();
    });
  }

  private void enqueue(Out out) {
    if (closed) {
      return;
    }
    if (queued.incrementAndGet() > maxQueue) {
      overflow();
      return;
    }
    outbox.add(out);
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        drainScheduled.set(false);
        drain();
      });
    }
  }

  /** The client cannot keep up: tell it so and close; the held events are not worth keeping. */
  private void overflow() {
    if (closed) {
      return;
    }
    closed = true;
    SLOW_CONSUMERS.incrementAndGet();
    outbox.clear();
    queued.set(0);
    context.runOnContext(v -> {
      transportWrite(new Out(Frames.error(null, "slow_consumer",
          "the connection fell more than " + maxQueue + " messages behind; reconnect and resume with resumeAfter"), -1));
      closeTransport();
      cutOff();
    });
  }

  /** Event loop only. */
  final void drain() {
    Out out;
    while (!transportFull() && (out = outbox.poll()) != null) {
      queued.decrementAndGet();
      transportWrite(out);
    }
    if (!outbox.isEmpty()) {
      onTransportDrained(this::drain);
    }
  }

  /** Marks the session closed (transport gone); the owner unsubscribes everything. */
  final void markClosed() {
    closed = true;
    outbox.clear();
  }
}
