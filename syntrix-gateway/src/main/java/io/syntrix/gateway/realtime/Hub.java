package io.syntrix.gateway.realtime;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.DeliveryHandler;
import io.syntrix.streamer.EventDelivery;
import io.syntrix.streamer.Stream;
import io.syntrix.streamer.Streamer;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.SubscribeResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes pre-matched deliveries to client connections (seed §1, §3).
 *
 * <p><b>Model.</b> The gateway process holds ONE {@link Stream} to the streamer. Every client
 * subscription is registered on it under its streamer id {@code <connection>/<client id>#<generation>},
 * and the hub keeps a registry from that id to its {@link Route}. A delivery names the streamer ids
 * it matched, so routing costs one map lookup per matched subscription — connections are never
 * scanned. Each delivery's delta is encoded once per variant (operation × with/without data) and
 * the same bytes go to every receiving connection (D2).
 *
 * <p><b>Threads.</b> Deliveries arrive on the stream's delivery thread and are handed to each
 * connection without blocking (a connection over its budget cuts itself off, never the hub).
 * {@link #subscribe} runs on workers; {@link #unsubscribe} on event loops and never waits (the
 * streamer's unsubscribe does not block). Registration and re-opening the stream are serialised by
 * {@code registration}, so a subscribe racing a re-open registers once, on the new stream.
 *
 * <p><b>Failure.</b> If the streamer cuts the hub's stream off, the hub reopens it and
 * re-registers every route with the resume position the cut-off reports, so no client loses or
 * repeats a change; a route whose resume point retention has purged gets a reset snapshot. A
 * cut-off can land at any moment: between a subscribe's check and its registration (the subscribe
 * registers again, on the new stream), or while a reopen re-registers (the routes it did not reach
 * keep their positions for the next reopen). While the streamer cannot be reached, the hub keeps
 * trying with backoff ({@link #reopenUntilOpen}); subscribes meanwhile fail, and the routes it
 * holds resume where they were once the stream is back.
 */
public final class Hub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  private static final Duration REOPEN_WAIT = Duration.ofSeconds(10);
  /** Registrations of one subscribe, each on a stream that replaced a cut-off one; beyond, it fails. */
  private static final int MAX_ATTEMPTS = 5;

  private final Streamer streamer;
  private final String gatewayId;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final ReentrantLock registration = new ReentrantLock();
  private final Condition cutOffSignalled = registration.newCondition();
  private volatile Stream stream;
  /** The cut-off of {@code stream} once signalled and not yet acted on; guarded by {@code registration}. */
  private CutOff pendingCutOff;
  /**
   * Resume positions of routes a cut-off reported that a reopen did not get to re-register (its new
   * stream was cut off too): the next reopen resumes them from here. Guarded by {@code registration}.
   */
  private final Map<String, Long> unresumed = new HashMap<>();
  /** Whether the reopen thread runs; guarded by {@code registration}. */
  private boolean reopening;
  private volatile boolean closed;

  /** One client subscription: where its deliveries go and what it asked the streamer for. */
  record Route(Connection connection, ClientSubscription sub, SubscribeRequest request) {}

  public Hub(Streamer streamer) {
    this.streamer = streamer;
    this.gatewayId = "gateway-" + UUID.randomUUID();
    this.stream = streamer.open(gatewayId, new Handler());
  }

  /**
   * Registers a subscription live under {@code request.subscriptionId()} (a streamer id unique to
   * this registration, so a delivery in flight for an earlier registration of the same client id
   * can never be taken for this one); deliveries start flowing into the connection's gate.
   */
  SubscribeResult subscribe(Connection connection, ClientSubscription sub, SubscribeRequest request) {
    Route route = new Route(connection, sub, request);
    registration.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        ensureOpen();
        routes.put(request.subscriptionId(), route);
        try {
          return stream.subscribe(request);
        } catch (RuntimeException e) {
          routes.remove(request.subscriptionId(), route);
          // Cut off after ensureOpen looked: register on the stream that replaces it.
          if (stream.isOpen() || closed || attempt == MAX_ATTEMPTS) {
            throw e;
          }
        }
      }
    } finally {
      registration.unlock();
    }
  }

  /** Never blocks: the route goes at once, the streamer drops the registration without waiting. */
  void unsubscribe(String streamerId) {
    routes.remove(streamerId);
    stream.unsubscribe(streamerId);
  }

  int subscriptions() {
    return routes.size();
  }

  /** The id the hub's stream is opened under (tests open another stream with it to cut the hub's off). */
  String gatewayId() {
    return gatewayId;
  }

  /** Under {@code registration}: if the stream was cut off, waits for its signal and reopens it. */
  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the realtime hub is closed");
    }
    long deadline = System.nanoTime() + REOPEN_WAIT.toNanos();
    while (!stream.isOpen() && pendingCutOff == null) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("the streamer cut the hub's stream off and did not say why within "
            + REOPEN_WAIT.toSeconds() + " s");
      }
      try {
        cutOffSignalled.await(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the hub's stream reopens", e);
      }
    }
    if (pendingCutOff != null) {
      CutOff cutOff = pendingCutOff;
      pendingCutOff = null;
      reopen(cutOff);
    }
  }

  /**
   * Under {@code registration}: a new stream, every route re-registered where it left off. If the
   * new stream is cut off in turn, the routes not yet re-registered keep their positions for the
   * reopen its cut-off signal brings; only a route the streamer refuses on an open stream fails.
   */
  private void reopen(CutOff cutOff) {
    log.warn("streamer cut the hub's stream off ({}); reopening and resuming {} subscriptions", cutOff.reason(),
        routes.size());
    Map<String, Long> resume = new HashMap<>(unresumed);
    resume.putAll(cutOff.resumeAfter()); // the newer position of a route the cut-off stream had
    unresumed.clear();
    try {
      stream = streamer.open(gatewayId, new Handler());
    } catch (RuntimeException e) {
      // The streamer cannot be reached (a lost link): every route keeps where it was, and the next
      // attempt (the reopen thread's backoff, or a subscribe) starts from this cut-off again.
      unresumed.putAll(resume);
      pendingCutOff = cutOff;
      throw e;
    }
    List<Route> pending = List.copyOf(routes.values());
    for (int i = 0; i < pending.size(); i++) {
      Route route = pending.get(i);
      String id = route.request().subscriptionId();
      Long resumeAfter = resume.get(id);
      SubscribeRequest request = resumeAfter == null ? route.request() : route.request().withResumeAfter(resumeAfter);
      try {
        SubscribeResult result = stream.subscribe(request);
        if (routes.get(id) != route) {
          stream.unsubscribe(id); // its client left while we were re-registering it
        } else if (result.resume() == SubscribeResult.Resume.RESET) {
          route.connection().reset(route.sub(), result.liveAfterSeq());
        }
      } catch (RuntimeException e) {
        if (!stream.isOpen()) {
          for (Route rest : pending.subList(i, pending.size())) {
            Long at = resume.get(rest.request().subscriptionId());
            if (at != null) {
              unresumed.put(rest.request().subscriptionId(), at);
            }
          }
          log.warn("the hub's new stream was cut off too; {} subscriptions resume on the next", pending.size() - i);
          return;
        }
        log.warn("cannot resume subscription {}; closing its connection", id, e);
        route.connection().fail("resubscribe_failed", "the subscription could not be resumed; reconnect");
      }
    }
  }

  private final class Handler implements DeliveryHandler {
    @Override
    public void onDelivery(EventDelivery delivery) {
      byte[][] deltas = new byte[Op.values().length * 2][];
      for (int i = 0; i < delivery.size(); i++) {
        Route route = routes.get(delivery.subscriptionIds().get(i));
        if (route == null) {
          continue; // unsubscribed while the delivery was in flight
        }
        Op op = delivery.operations().get(i);
        boolean includeData = route.sub().spec.includeData();
        int variant = op.ordinal() * 2 + (includeData ? 1 : 0);
        byte[] delta = deltas[variant];
        if (delta == null) {
          delta = Frames.delta(delivery.event(), op, includeData);
          deltas[variant] = delta;
        }
        route.connection().deliver(route.sub(), delivery.seq(), delta);
      }
    }

    @Override
    public void onReset(String subscriptionId, long liveAfterSeq) {
      Route route = routes.get(subscriptionId);
      if (route != null) {
        route.connection().reset(route.sub(), liveAfterSeq);
      }
    }

    @Override
    public void onChangeFailed(List<String> subscriptionIds, long seq, String reason) {
      for (String id : subscriptionIds) {
        Route route = routes.get(id);
        if (route != null) {
          route.connection().changeFailed(route.sub(), seq, reason);
        }
      }
    }

    @Override
    public void onCutOff(CutOff cutOff) {
      if (closed || cutOff.reason() == CutOff.Reason.SHUTDOWN) {
        return;
      }
      registration.lock();
      try {
        pendingCutOff = cutOff;
        cutOffSignalled.signalAll();
        if (reopening) {
          return; // the running reopen thread takes this cut-off too
        }
        reopening = true;
      } finally {
        registration.unlock();
      }
      // Reopen off the delivery thread (it is this stream's, which is ending); a subscribe may beat us to it.
      Thread.ofPlatform().name("syntrix-hub-reopen").start(Hub.this::reopenUntilOpen);
    }
  }

  /**
   * The reopen thread: reopens the cut-off stream, and while the streamer cannot be reached (a
   * lost link, a streamer restarting) tries again with exponential backoff and jitter (0.1 s, up
   * to 5 s) until it is open or the hub closes. Meanwhile every route keeps its resume position,
   * so the clients lose nothing once the stream is back. One such thread at a time.
   */
  private void reopenUntilOpen() {
    long backoff = 100;
    while (true) {
      registration.lock();
      try {
        if (closed) {
          reopening = false;
          return;
        }
        try {
          ensureOpen();
        } catch (RuntimeException e) {
          log.warn("cannot reopen the hub's stream ({}); trying again in about {} ms", e.getMessage(), backoff);
        }
        if (stream.isOpen() && pendingCutOff == null) {
          reopening = false;
          return;
        }
      } finally {
        registration.unlock();
      }
      try {
        Thread.sleep(backoff / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
      } catch (InterruptedException e) {
        registration.lock();
        try {
          reopening = false;
        } finally {
          registration.unlock();
        }
        Thread.currentThread().interrupt();
        return;
      }
      backoff = Math.min(backoff * 2, 5_000);
    }
  }

  @Override
  public void close() {
    closed = true;
    stream.close();
  }
}
