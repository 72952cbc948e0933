package io.syntrix.gateway.realtime;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One client connection (WebSocket or SSE): its subscriptions, their gates and its outbox.
 *
 * <p><b>Outbox.</b> Every frame to the client — acks, snapshots, events, errors — goes through one
 * byte-bounded {@link Outbox}, so order is what the client sees. When a frame does not fit, the
 * client is not keeping up: it gets {@code slow_consumer}, its subscriptions are released at
 * once, its queued frames are dropped and the transport is closed. Nothing is dropped silently:
 * the client resumes with {@code resumeAfter}.
 *
 * <p><b>Gates.</b> {@link ClientSubscription} says how each subscription's events are treated:
 * held while it catches up, dropped when a snapshot or catch-up already covered them, queued
 * otherwise. Held events of all this connection's subscriptions together are bounded by
 * {@code maxHeldBytes}; an overflow drops a subscription's held events and leaves them to its
 * catch-up, which reads them from the change log instead.
 *
 * <p><b>Threads.</b> The connection's event loop owns the protocol; the hub's delivery thread and
 * catch-up workers touch subscription state only under this object's monitor, in short critical
 * sections that never block. {@link #release} runs once, whatever ends the connection.
 */
abstract class Connection {
  private static final AtomicLong IDS = new AtomicLong();

  private final String id = "c" + IDS.incrementAndGet();
  final Context context;
  final Outbox outbox;
  private final long maxHeldBytes;
  private final RealtimeMetrics metrics;
  private final CatchUps catchUps;

  // Guarded by this.
  private final Map<String, ClientSubscription> subscriptions = new HashMap<>();
  private long heldBytes;
  private boolean closed;
  private boolean released;
  private Consumer<Connection> onRelease = c -> {};

  Connection(Context context, RealtimeOptions options, RealtimeMetrics metrics, CatchUps catchUps) {
    this.context = context;
    this.metrics = metrics;
    this.catchUps = catchUps;
    this.maxHeldBytes = options.maxHeldBytes();
    this.outbox = new Outbox(context, this::write, options.maxPendingBytes(), options.maxPendingFrames(),
        options.transportWindowBytes());
  }

  String id() {
    return id;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** What runs once the connection is released (the server's bookkeeping, the subscriptions' release). */
  synchronized void onRelease(Consumer<Connection> hook) {
    Consumer<Connection> previous = onRelease;
    onRelease = c -> {
      hook.accept(c);
      previous.accept(c);
    };
  }

  // ---- transport: event loop only ----

  /** Writes one frame; the future completes when it left the process. */
  abstract Future<Void> write(OutFrame frame);

  /** Ends the transport after what was written (a close frame, the end of an event stream). */
  abstract void closeTransport(short code, String reason);

  /** Drops the TCP connection at once (a client that does not even read the close). */
  abstract void abortTransport();

  // ---- frames ----

  /** Queues a control message (ack, snapshot page, error, heartbeat). Any thread. */
  final void send(byte[] message) {
    if (!outbox.offer(OutFrame.control(message))) {
      overflowed();
    }
  }

  /**
   * Queues a frame of a catch-up (snapshot page or replayed event; null for none) and records that
   * the client now has every change up to {@code coveredThrough}; false if the connection is gone.
   */
  final boolean sendCatchUp(ClientSubscription sub, OutFrame frame, long coveredThrough) {
    synchronized (this) {
      if (closed || sub.cancelled) {
        return false;
      }
      sub.deliveredThrough = Math.max(sub.deliveredThrough, coveredThrough);
      if (frame == null || outbox.offer(frame)) {
        return true;
      }
    }
    overflowed();
    return false;
  }

  /** From the hub's delivery thread: one change for one subscription. Never blocks. */
  final void deliver(ClientSubscription sub, long seq, byte[] delta) {
    synchronized (this) {
      if (closed || sub.cancelled || seq <= sub.deliveredThrough) {
        return; // gone, or a snapshot or catch-up already showed this change
      }
      OutFrame frame = new OutFrame(Frames.eventHead(sub.clientId(), seq), delta, seq);
      if (sub.catchingUp) {
        hold(sub, frame);
        return;
      }
      sub.deliveredThrough = seq;
      if (outbox.offer(frame)) {
        return;
      }
    }
    overflowed();
  }

  /** Under the monitor: keep a live event until the catch-up reaches it, within the held budget. */
  private void hold(ClientSubscription sub, OutFrame frame) {
    int size = frame.size();
    if (heldBytes + size > maxHeldBytes) {
      // Too much waiting: let the change log serve these instead of the heap.
      heldBytes -= sub.heldBytes;
      sub.held.clear();
      sub.heldBytes = 0;
      sub.gapThrough = frame.seq();
      metrics.heldOverflow();
      return;
    }
    sub.held.add(frame);
    sub.heldBytes += size;
    heldBytes += size;
  }

  // ---- subscriptions ----

  /** Adds a subscription being opened; false when the connection is already closed. */
  final synchronized boolean add(ClientSubscription sub) {
    if (closed) {
      return false;
    }
    subscriptions.put(sub.streamerId, sub);
    return true;
  }

  /** The hub registered it live after {@code livePoint}; false if it was cancelled meanwhile (unregister it). */
  final synchronized boolean registered(ClientSubscription sub, long livePoint) {
    sub.registered = true;
    sub.livePoint = livePoint;
    return !sub.cancelled;
  }

  /** Cancels a subscription; true if the hub must be told. */
  final synchronized boolean cancel(ClientSubscription sub) {
    if (sub.cancelled) {
      return false;
    }
    sub.cancelled = true;
    subscriptions.remove(sub.streamerId);
    heldBytes -= sub.heldBytes;
    sub.held.clear();
    sub.heldBytes = 0;
    return sub.registered;
  }

  final synchronized ClientSubscription subscription(String streamerId) {
    return subscriptions.get(streamerId);
  }

  /** Starts a catch-up at {@code from}: live events are held from now on. */
  final synchronized void catchUpFrom(ClientSubscription sub, long from) {
    sub.catchingUp = true;
    sub.deliveredThrough = Math.max(sub.deliveredThrough, from);
  }

  /**
   * Ends the catch-up if it has reached the live point and every dropped held event: the held
   * events after it go out and the subscription is live. False if it must read further.
   */
  final boolean tryFinishCatchUp(ClientSubscription sub) {
    synchronized (this) {
      if (closed || sub.cancelled) {
        return true;
      }
      if (sub.deliveredThrough < Math.max(sub.livePoint, sub.gapThrough)) {
        return false;
      }
      sub.catchingUp = false;
      sub.gapThrough = -1;
      heldBytes -= sub.heldBytes;
      sub.heldBytes = 0;
      boolean fits = true;
      for (OutFrame frame : sub.held) {
        if (frame.seq() > sub.deliveredThrough && fits) {
          sub.deliveredThrough = frame.seq();
          fits = outbox.offer(frame);
        }
      }
      sub.held.clear();
      if (fits) {
        return true;
      }
    }
    overflowed();
    return true;
  }

  /**
   * From the hub: the streamer could not replay what this subscription missed (retention purged
   * it while the hub's stream was being resumed). Its events are held and a reset snapshot follows.
   */
  final void reset(ClientSubscription sub, long livePoint) {
    synchronized (this) {
      if (closed || sub.cancelled) {
        return;
      }
      sub.catchingUp = true;
      sub.livePoint = Math.max(sub.livePoint, livePoint);
    }
    context.runOnContext(v -> catchUps.start(this, sub, true, true));
  }

  /**
   * From the hub: the streamer gave up on change {@code seq}, which may have concerned {@code sub}.
   * The client is told (an {@code error} with the subscription's id and code {@code change_failed},
   * queued in stream order with its events); the subscription stays live.
   */
  final void changeFailed(ClientSubscription sub, long seq, String reason) {
    synchronized (this) {
      if (closed || sub.cancelled) {
        return;
      }
    }
    send(Frames.error(sub.clientId(), "change_failed", "change " + seq + " could not be processed (" + reason
        + ") and was skipped; this subscription may have missed it and stays live"));
  }

  /** Holds live events of {@code sub} from now on (a catch-up starts). */
  final synchronized void holdLive(ClientSubscription sub) {
    sub.catchingUp = true;
  }

  /** Where the catch-up must read from and whether it may stop: the subscription's own view. */
  final synchronized long deliveredThrough(ClientSubscription sub) {
    return sub.deliveredThrough;
  }

  /** True while the catch-up of {@code sub} should go on. */
  final synchronized boolean active(ClientSubscription sub) {
    return !closed && !sub.cancelled;
  }

  // ---- ending ----

  /** The client fell behind its budget: tell it and cut it off. */
  private void overflowed() {
    cutOffSlow(null);
  }

  /** Cuts the connection off if its transport has written nothing for {@code limitNanos} while bytes wait. */
  final void checkStalled(long now, long limitNanos) {
    long stalled = outbox.stalledNanos(now);
    if (stalled > limitNanos) {
      cutOffSlow("the connection read nothing for " + stalled / 1_000_000 + " ms while messages waited");
    }
  }

  private void cutOffSlow(String why) {
    long pending;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      pending = outbox.close();
    }
    metrics.slowConsumer();
    context.runOnContext(v -> {
      String message = why != null ? why
          : "the connection fell more than " + outbox.maxPendingBytes() + " bytes behind (" + pending + " pending)";
      write(OutFrame.control(Frames.error(null, "slow_consumer", message + "; reconnect and resume with resumeAfter")));
      closeTransport((short) 1008, "slow consumer");
      release();
    });
  }

  /** Sends an error and closes after it (any thread). */
  final void fail(String code, String message) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      outbox.close();
    }
    context.runOnContext(v -> {
      write(OutFrame.control(Frames.error(null, code, message)));
      closeTransport((short) 1008, code);
      release();
    });
  }

  /** Closes with a normal close (server shutdown). Event loop. */
  final void shutdown() {
    synchronized (this) {
      closed = true;
      outbox.close();
    }
    closeTransport((short) 1001, "server shutting down");
    release();
  }

  /**
   * Releases everything the connection holds, once: its subscriptions (cancelled and unregistered
   * through the release hook) and the server's bookkeeping. Called when the transport closes and
   * when the server ends the connection.
   */
  final void release() {
    Consumer<Connection> hook;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      closed = true;
      outbox.close();
      hook = onRelease;
    }
    hook.accept(this);
  }

  /** Cancels every subscription; returns those the hub must unregister. */
  final synchronized List<ClientSubscription> cancelAll() {
    List<ClientSubscription> registered = new ArrayList<>();
    for (ClientSubscription sub : List.copyOf(subscriptions.values())) {
      if (cancel(sub)) {
        registered.add(sub);
      }
    }
    return registered;
  }

  final synchronized int subscriptionCount() {
    return subscriptions.size();
  }
}
