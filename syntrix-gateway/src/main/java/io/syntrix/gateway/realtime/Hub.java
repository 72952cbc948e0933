package io.syntrix.gateway.realtime;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.DeliveryHandler;
import io.syntrix.streamer.EventDelivery;
import io.syntrix.streamer.Stream;
import io.syntrix.streamer.Streamer;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.SubscribeResult;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes pre-matched deliveries to client connections (seed §1, §3).
 *
 * <p><b>Model.</b> The gateway process holds ONE {@link Stream} to the streamer. Every client
 * subscription is registered on it under a streamer id {@code <session>/<client sub id>}, and
 * the hub keeps a registry from that id to its {@link Route} (session + client id). A delivery
 * names the streamer ids it matched, so routing costs one map lookup per matched subscription —
 * connections are never scanned. Each delivery's delta is encoded once per variant and the
 * bytes are shared by every receiving session.
 *
 * <p><b>Threads.</b> Deliveries arrive on the stream's delivery thread and are handed to each
 * session's outbox without blocking (a full outbox cuts that session off as a slow consumer,
 * never the hub). Subscribe and unsubscribe come from event loops and workers.
 *
 * <p><b>Failure.</b> If the streamer cuts the hub's stream off, the hub reopens it and
 * re-registers every route with the resume position the cut-off reports, so no client loses or
 * repeats a change.
 */
public final class Hub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private final Streamer streamer;
  private final String gatewayId;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Object reopen = new Object();
  private volatile Stream stream;
  private volatile boolean closed;

  /** One client subscription: where its deliveries go and what it last asked for. */
  record Route(Session session, String clientId, SubscribeRequest request, boolean includeData) {}

  public Hub(Streamer streamer) {
    this.streamer = streamer;
    this.gatewayId = "gateway-" + UUID.randomUUID();
    this.stream = streamer.open(gatewayId, new Handler());
  }

  /**
   * Registers a subscription under {@code request.subscriptionId()} (a streamer id unique to this
   * registration, so a delivery in flight for an earlier registration of the same client id can
   * never be taken for this one); deliveries start flowing into the session.
   */
  SubscribeResult subscribe(Session session, String clientId, SubscribeRequest request, boolean includeData) {
    Route route = new Route(session, clientId, request, includeData);
    routes.put(request.subscriptionId(), route);
    try {
      return stream.subscribe(request);
    } catch (RuntimeException e) {
      routes.remove(request.subscriptionId(), route);
      throw e;
    }
  }

  void unsubscribe(String streamerId) {
    if (routes.remove(streamerId) != null) {
      stream.unsubscribe(streamerId);
    }
  }

  int subscriptions() {
    return routes.size();
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
        int variant = op.ordinal() * 2 + (route.includeData() ? 1 : 0);
        byte[] delta = deltas[variant];
        if (delta == null) {
          delta = Frames.delta(delivery.event(), op, route.includeData());
          deltas[variant] = delta;
        }
        route.session().deliver(delivery.subscriptionIds().get(i), route.clientId(), delivery.seq(), delta);
      }
    }

    @Override
    public void onReset(String subscriptionId, long liveAfterSeq) {
      Route route = routes.get(subscriptionId);
      if (route != null) {
        route.session().resetSnapshot(subscriptionId, route.clientId());
      }
    }

    @Override
    public void onCutOff(CutOff cutOff) {
      if (closed || cutOff.reason() == CutOff.Reason.SHUTDOWN) {
        return;
      }
      log.warn("streamer cut the hub's stream off ({}); reopening and resuming {} subscriptions", cutOff.reason(),
          routes.size());
      Thread.ofPlatform().name("syntrix-hub-reopen").start(() -> reopen(cutOff));
    }
  }

  private void reopen(CutOff cutOff) {
    synchronized (reopen) {
      stream = streamer.open(gatewayId, new Handler());
      for (Map.Entry<String, Route> e : routes.entrySet()) {
        Long resumeAfter = cutOff.resumeAfter().get(e.getKey());
        SubscribeRequest request = resumeAfter == null ? e.getValue().request()
            : e.getValue().request().withResumeAfter(resumeAfter);
        try {
          stream.subscribe(request);
        } catch (RuntimeException ex) {
          log.warn("cannot resume subscription {}; its session is closed", e.getKey(), ex);
          e.getValue().session().fail("resubscribe_failed", "the subscription could not be resumed; reconnect");
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    stream.close();
  }
}
