package io.syntrix.gateway.realtime;

import io.syntrix.identity.AuthService;
import io.syntrix.identity.DatabaseService;
import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.model.Value;
import io.syntrix.streamer.SubscribeRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client speaking the SDK's protocol (reference §7 with the D8 fixes).
 *
 * <p><b>Order.</b> Messages are handled strictly one after the other: while one is in progress
 * (an {@code auth} being verified, a {@code subscribe} being authorised) the socket's reading is
 * paused, so the next waits in Vert.x's bounded inbound buffer and then in the kernel, never in a
 * chain of our own. The SDK's {@code subscribe} sent right after {@code auth} thus sees the
 * connection authenticated. A repeated subscribe id replaces the earlier subscription.
 *
 * <p><b>Limits</b> (D12), each answered with an {@code error} whose {@code code} is stable:
 * {@code rate_limited} (inbound messages per second: reading pauses until the bucket refills),
 * {@code too_many_subscriptions} (per connection), {@code too_many_connections} (per user, at
 * auth), {@code auth_timeout} (no successful {@code auth} within the deadline: closed).
 *
 * <p><b>Auth.</b> Until an {@code auth} succeeds, subscribing is refused with an error whose
 * message contains {@code unauthorized} (the SDK refreshes its token on that word). When the
 * access token expires, the subscriptions end with an {@code unauthorized} error unless the client
 * has sent a fresh {@code auth} by then.
 *
 * <p><b>Threads.</b> Protocol state belongs to the connection's event loop; blocking steps run on
 * workers and their results come back to the event loop.
 */
final class WebSocketConnection extends Connection {
  private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);

  private final ServerWebSocket ws;
  private final HttpConnection http;
  private final Vertx vertx;
  private final AuthService auth;
  private final DatabaseService databases;
  private final Subscriptions subscriptions;
  private final ConnectionRegistry registry;
  private final RealtimeOptions options;
  private final RealtimeMetrics metrics;

  // Event loop only.
  private Principal principal;
  private String claimedUser;
  private LogicalDatabase database;
  private long expiryTimer = -1;
  private long heartbeatTimer = -1;
  private long deadlineTimer = -1;
  private final Map<String, ClientSubscription> byClientId = new HashMap<>();
  private boolean transportClosed;
  private boolean busy;
  private boolean throttled;
  /** A {@code rate_limited} error went out and the connection has not been back under its rate since. */
  private boolean rateLimitSent;
  private double tokens;
  private long refilledAt = System.nanoTime();

  WebSocketConnection(ServerWebSocket ws, HttpConnection http, Vertx vertx, AuthService auth, DatabaseService databases,
                      Subscriptions subscriptions, ConnectionRegistry registry, CatchUps catchUps,
                      RealtimeOptions options, RealtimeMetrics metrics) {
    super(vertx.getOrCreateContext(), options, metrics, catchUps);
    this.ws = ws;
    this.http = http;
    this.vertx = vertx;
    this.auth = auth;
    this.databases = databases;
    this.subscriptions = subscriptions;
    this.registry = registry;
    this.options = options;
    this.metrics = metrics;
    this.tokens = 2.0 * options.messagesPerSecond();
  }

  void start() {
    onRelease(c -> stopTimers());
    ws.textMessageHandler(this::onMessage);
    ws.closeHandler(v -> {
      transportClosed = true;
      release();
    });
    // Vert.x reports an inbound message over the 64 KiB limit as an exception; the protocol's answer is close 1009.
    ws.exceptionHandler(e -> {
      log.debug("WebSocket {} failed: {}", id(), e.toString());
      if (!ws.isClosed()) {
        ws.close((short) 1009, "message too big or malformed");
      }
    });
    heartbeatTimer = vertx.setPeriodic(options.wsHeartbeatMillis(), t -> {
      send(Frames.envelope(null, "heartbeat", null));
      ws.writePing(Buffer.buffer("hb"));
    });
    deadlineTimer = vertx.setTimer(options.authDeadlineMillis(), t -> {
      deadlineTimer = -1;
      if (principal == null) {
        metrics.refused("auth_timeout");
        fail("auth_timeout", "unauthorized: no successful auth within " + options.authDeadlineMillis() + " ms");
      }
    });
  }

  // ---- inbound: one message at a time, at a bounded rate ----

  private void onMessage(String text) {
    Future<Void> handled;
    try {
      handled = handle(text);
    } catch (RuntimeException e) {
      log.warn("WebSocket {}: message handling failed", id(), e);
      handled = Future.succeededFuture();
    }
    spendToken();
    if (!handled.isComplete()) {
      busy = true;
      ws.pause();
      handled.onComplete(r -> {
        busy = false;
        resumeReading();
      });
    }
  }

  /**
   * A token per message; an empty bucket pauses reading until it holds one again. The client is
   * told once per episode (a flood past the burst is paced one message per refill, and each of
   * those pauses is not news): the next {@code rate_limited} only after it was back under its rate.
   */
  private void spendToken() {
    long now = System.nanoTime();
    int rate = options.messagesPerSecond();
    tokens = Math.min(2.0 * rate, tokens + (now - refilledAt) / 1e9 * rate);
    refilledAt = now;
    tokens -= 1;
    if (tokens >= 1) {
      rateLimitSent = false;
      return;
    }
    if (throttled) {
      return;
    }
    throttled = true;
    ws.pause();
    long waitMillis = Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / rate));
    if (!rateLimitSent) {
      rateLimitSent = true;
      metrics.refused("rate_limited");
      send(Frames.error(null, "rate_limited", "more than " + rate + " messages per second on this connection; "
          + "its messages are read at that rate until it slows down"));
    }
    vertx.setTimer(waitMillis, t -> {
      throttled = false;
      resumeReading();
    });
  }

  private void resumeReading() {
    if (!busy && !throttled && !isClosed()) {
      ws.resume();
    }
  }

  private Future<Void> handle(String text) {
    if (isClosed()) {
      return Future.succeededFuture();
    }
    MapValue message;
    try {
      if (!(Json.parse(text) instanceof MapValue m)) {
        return Future.succeededFuture(); // not an envelope: ignored, as the original does
      }
      message = m;
    } catch (SyntrixException e) {
      return Future.succeededFuture();
    }
    String id = message.get("id") instanceof StringValue s ? s.value() : null;
    String type = message.get("type") instanceof StringValue s ? s.value() : "";
    Value payload = message.get("payload");
    return switch (type) {
      case "auth" -> authenticate(id, payload);
      case "subscribe" -> subscribe(id, payload);
      case "unsubscribe" -> unsubscribe(id, payload);
      default -> Future.succeededFuture(); // heartbeats and unknown types are ignored
    };
  }

  // ---- auth ----

  private Future<Void> authenticate(String id, Value payload) {
    if (!(payload instanceof MapValue p) || !(p.get("token") instanceof StringValue token)) {
      send(Frames.error(id, "invalid_auth", "invalid payload: expected {token, database}"));
      return Future.succeededFuture();
    }
    if (!(p.get("database") instanceof StringValue db) || db.value().isEmpty()) {
      send(Frames.error(id, "invalid_auth", "database is required"));
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      Principal who = auth.authenticate(token.value());
      return Map.entry(who, databases.resolveForData(db.value()));
    }, false).transform(result -> {
      if (result.failed()) {
        Throwable e = result.cause();
        if (e instanceof SyntrixException se && se.code() == ErrorCode.UNAUTHORIZED) {
          send(Frames.error(id, "unauthorized", se.getMessage()));
        } else if (e instanceof SyntrixException se) {
          send(Frames.error(id, "invalid_auth", se.getMessage()));
        } else {
          log.warn("auth failed unexpectedly", e);
          send(Frames.error(id, "internal", "auth failed"));
        }
        return Future.succeededFuture();
      }
      Principal who = result.result().getKey();
      if (!claimUser(who.userId())) {
        metrics.refused("too_many_connections");
        fail("too_many_connections", "user " + who.username() + " already has " + options.maxConnectionsPerUser()
            + " realtime connections, the limit per user");
        return Future.succeededFuture();
      }
      principal = who;
      database = result.result().getValue();
      scheduleExpiry();
      send(Frames.envelope(id, "auth_ack", null));
      return Future.succeededFuture();
    });
  }

  /** Counts this connection against its user, once (a re-auth as another user moves the claim). */
  private boolean claimUser(String userId) {
    if (userId.equals(claimedUser) || isClosed()) {
      return userId.equals(claimedUser);
    }
    if (!registry.claimUser(userId)) {
      return false;
    }
    if (claimedUser == null) {
      onRelease(c -> registry.releaseUser(userId));
    } else {
      String previous = claimedUser;
      registry.releaseUser(previous);
      onRelease(c -> registry.releaseUser(userId));
    }
    claimedUser = userId;
    return true;
  }

  /** Ends the subscriptions when the token runs out, unless a later auth moved the deadline. */
  private void scheduleExpiry() {
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    long delay = Math.max(1, principal.expiresAtMillis() - System.currentTimeMillis());
    expiryTimer = vertx.setTimer(delay, t -> {
      expiryTimer = -1;
      principal = null;
      for (ClientSubscription sub : byClientId.values()) {
        subscriptions.close(this, sub);
      }
      byClientId.clear();
      send(Frames.error(null, "unauthorized", "unauthorized: the access token expired; subscriptions ended. "
          + "Send auth with a fresh token and subscribe again"));
    });
  }

  // ---- subscriptions ----

  private Future<Void> subscribe(String id, Value payload) {
    if (principal == null) {
      send(Frames.error(id, "unauthorized", "unauthorized: auth required"));
      return Future.succeededFuture();
    }
    if (id == null || id.isEmpty()) {
      send(Frames.error(null, "bad_request", "Subscribe failed: the subscribe message needs an id"));
      return Future.succeededFuture();
    }
    ClientSubscription.Spec spec;
    try {
      spec = spec(id, payload);
    } catch (SyntrixException e) {
      send(Frames.error(id, "bad_request", "Subscribe failed: " + e.getMessage()));
      return Future.succeededFuture();
    }
    ClientSubscription previous = byClientId.remove(id);
    if (previous != null) {
      subscriptions.close(this, previous);
    } else if (subscriptionCount() >= options.maxSubscriptionsPerConnection()) {
      metrics.refused("too_many_subscriptions");
      send(Frames.error(id, "too_many_subscriptions", "Subscribe failed: a connection may hold "
          + options.maxSubscriptionsPerConnection() + " subscriptions; unsubscribe one first"));
      return Future.succeededFuture();
    }
    return subscriptions.open(vertx, this, principal, database, spec, Frames.envelope(id, "subscribe_ack", null), false)
        .transform(result -> {
          if (result.succeeded()) {
            byClientId.put(id, result.result());
          } else if (!isClosed()) {
            Throwable e = result.cause();
            String code = e instanceof SyntrixException se && se.code() == ErrorCode.FORBIDDEN ? "permission_denied"
                : e instanceof SyntrixException ? "bad_request" : "internal";
            if (!(e instanceof SyntrixException)) {
              log.warn("subscribe {} failed", id, e);
            }
            send(Frames.error(id, code, "Subscribe failed: " + e.getMessage()));
          }
          return Future.succeededFuture();
        });
  }

  /** {@code {query: {collection, filters, ...}, includeData, sendSnapshot, resumeAfter}}. */
  private static ClientSubscription.Spec spec(String id, Value payload) {
    if (!(payload instanceof MapValue p) || !(p.get("query") instanceof MapValue q)) {
      throw new InvalidInputException("payload must be {query: {collection, filters}, ...}");
    }
    MapValue.Builder onlyMatching = MapValue.builder();
    // orderBy and limit mean nothing to a subscription: the SDK may send them, they are ignored.
    for (String key : new String[] {"collection", "filters"}) {
      if (q.get(key) != null) {
        onlyMatching.put(key, q.get(key));
      }
    }
    Query query = Query.fromValue(onlyMatching.build());
    long resumeAfter = SubscribeRequest.LIVE;
    Value resume = p.get("resumeAfter");
    if (resume != null && !(resume instanceof NullValue)) {
      if (resume instanceof IntegerValue i && i.value() >= 0) {
        resumeAfter = i.value();
      } else if (resume instanceof StringValue s && s.value().matches("\\d{1,18}")) {
        resumeAfter = Long.parseLong(s.value());
      } else {
        throw new InvalidInputException("resumeAfter must be a seq from an earlier event");
      }
    }
    return new ClientSubscription.Spec(id, query, flag(p, "includeData"), flag(p, "sendSnapshot"), resumeAfter);
  }

  private static boolean flag(MapValue p, String key) {
    return p.get(key) instanceof BooleanValue b && b.value();
  }

  private Future<Void> unsubscribe(String id, Value payload) {
    if (principal == null) {
      send(Frames.error(id, "unauthorized", "unauthorized: auth required"));
      return Future.succeededFuture();
    }
    if (payload instanceof MapValue p && p.get("id") instanceof StringValue subId) {
      ClientSubscription sub = byClientId.remove(subId.value());
      if (sub != null) {
        subscriptions.close(this, sub);
      }
    }
    send(Frames.envelope(id, "unsubscribe_ack", null)); // acknowledged even when unknown, as the original does
    return Future.succeededFuture();
  }

  private void stopTimers() {
    vertx.cancelTimer(heartbeatTimer);
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    if (deadlineTimer >= 0) {
      vertx.cancelTimer(deadlineTimer);
    }
  }

  // ---- transport ----

  @Override
  Future<Void> write(OutFrame frame) {
    if (ws.isClosed()) {
      return Future.failedFuture("closed");
    }
    // A text frame over the frame's own buffers: the shared delta is written, never copied per recipient.
    return ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame.content(), true));
  }

  /**
   * A graceful close first; a client that does not read never answers the close frame, so the
   * TCP connection is dropped after a grace period.
   */
  @Override
  void closeTransport(short code, String reason) {
    if (!ws.isClosed()) {
      ws.close(code, reason);
    }
    vertx.setTimer(5_000, t -> abortTransport());
  }

  /** For a client that never answered the close frame (it is stuck behind data the client does not read). */
  @Override
  void abortTransport() {
    if (!transportClosed) {
      http.close();
    }
  }
}
