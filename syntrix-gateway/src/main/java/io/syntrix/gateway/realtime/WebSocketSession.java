package io.syntrix.gateway.realtime;

import io.syntrix.identity.AuthService;
import io.syntrix.identity.DatabaseService;
import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.model.Value;
import io.syntrix.streamer.SubscribeRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client speaking the SDK's protocol (reference §7 with the D8 fixes).
 *
 * <p><b>Order.</b> Messages are handled strictly one after the other: a message waits until the
 * previous one (an {@code auth} being verified, a {@code subscribe} being authorised and
 * snapshotted) has finished, so the SDK's {@code subscribe} sent right after {@code auth} sees
 * the connection authenticated. A repeated subscribe id replaces the earlier subscription: the
 * SDK re-sends its subscriptions after {@code auth_ack}, and this keeps them single.
 *
 * <p><b>Auth.</b> Until an {@code auth} succeeds, subscribing is refused with an error whose
 * message contains {@code unauthorized} (the SDK refreshes its token on that word). When the
 * access token expires, the subscriptions end with an {@code unauthorized} error unless the
 * client has sent a fresh {@code auth} by then.
 *
 * <p><b>Threads.</b> Protocol state belongs to the connection's event loop; blocking steps run on
 * workers and their results come back to the event loop; the hub delivers from its own thread
 * through the session's outbox.
 */
final class WebSocketSession extends Session {
  private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);

  private final ServerWebSocket ws;
  private final io.vertx.core.http.HttpConnection connection;
  private final Vertx vertx;
  private final AuthService auth;
  private final DatabaseService databases;
  private final Subscriptions subscriptions;
  private final long heartbeatMillis;
  private Future<Void> tail = Future.succeededFuture();
  private Principal principal;
  private LogicalDatabase database;
  private long expiryTimer = -1;
  private long heartbeatTimer = -1;
  /** Client subscription id to its gate; event loop only. */
  private final Map<String, Sub> byClientId = new HashMap<>();

  WebSocketSession(ServerWebSocket ws, io.vertx.core.http.HttpConnection connection, Vertx vertx, AuthService auth,
                   DatabaseService databases, Subscriptions subscriptions, int maxQueue, long heartbeatMillis) {
    super(vertx.getOrCreateContext(), maxQueue);
    this.ws = ws;
    this.connection = connection;
    this.vertx = vertx;
    this.auth = auth;
    this.databases = databases;
    this.subscriptions = subscriptions;
    this.heartbeatMillis = heartbeatMillis;
  }

  void start() {
    ws.textMessageHandler(text -> tail = tail.transform(ignored -> handle(text)));
    ws.closeHandler(v -> onClosed());
    // Vert.x reports an inbound message over the 64 KiB limit as an exception; the protocol's answer is close 1009.
    ws.exceptionHandler(e -> {
      log.debug("WebSocket {} failed: {}", id(), e.toString());
      if (!ws.isClosed()) {
        ws.close((short) 1009, "message too big or malformed");
      }
    });
    heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> {
      send(Frames.envelope(null, "heartbeat", null));
      ws.writePing(Buffer.buffer("hb"));
    });
  }

  private Future<Void> handle(String text) {
    if (isClosed()) {
      return Future.succeededFuture();
    }
    MapValue message;
    try {
      Value parsed = Json.parse(text);
      if (!(parsed instanceof MapValue m)) {
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
      principal = result.result().getKey();
      database = result.result().getValue();
      scheduleExpiry();
      send(Frames.envelope(id, "auth_ack", null));
      return Future.succeededFuture();
    });
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
      for (Sub sub : byClientId.values()) {
        subscriptions.close(this, sub);
      }
      byClientId.clear();
      send(Frames.error(null, "unauthorized", "unauthorized: the access token expired; subscriptions ended. "
          + "Send auth with a fresh token and subscribe again"));
    });
  }

  private Future<Void> subscribe(String id, Value payload) {
    if (principal == null) {
      send(Frames.error(id, "unauthorized", "unauthorized: auth required"));
      return Future.succeededFuture();
    }
    if (id == null || id.isEmpty()) {
      send(Frames.error(null, "bad_request", "Subscribe failed: the subscribe message needs an id"));
      return Future.succeededFuture();
    }
    Subscriptions.Spec spec;
    try {
      spec = spec(id, payload);
    } catch (SyntrixException e) {
      send(Frames.error(id, "bad_request", "Subscribe failed: " + e.getMessage()));
      return Future.succeededFuture();
    }
    Sub previous = byClientId.remove(id);
    if (previous != null) {
      subscriptions.close(this, previous);
    }
    return subscriptions.open(vertx, this, principal, database, spec, Frames.envelope(id, "subscribe_ack", null))
        .transform(result -> {
          if (result.succeeded()) {
            byClientId.put(id, result.result());
          } else {
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
  private static Subscriptions.Spec spec(String id, Value payload) {
    if (!(payload instanceof MapValue p) || !(p.get("query") instanceof MapValue q)) {
      throw new io.syntrix.model.InvalidInputException("payload must be {query: {collection, filters}, ...}");
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
    if (resume != null && !(resume instanceof io.syntrix.model.NullValue)) {
      if (resume instanceof IntegerValue i && i.value() >= 0) {
        resumeAfter = i.value();
      } else if (resume instanceof StringValue s && s.value().matches("\\d{1,18}")) {
        resumeAfter = Long.parseLong(s.value());
      } else {
        throw new io.syntrix.model.InvalidInputException("resumeAfter must be a seq from an earlier event");
      }
    }
    return new Subscriptions.Spec(id, query, flag(p, "includeData"), flag(p, "sendSnapshot"), resumeAfter);
  }

  private static boolean flag(MapValue p, String key) {
    Value v = p.get(key);
    return v instanceof BooleanValue b && b.value();
  }

  private Future<Void> unsubscribe(String id, Value payload) {
    if (principal == null) {
      send(Frames.error(id, "unauthorized", "unauthorized: auth required"));
      return Future.succeededFuture();
    }
    if (payload instanceof MapValue p && p.get("id") instanceof StringValue subId) {
      Sub sub = byClientId.remove(subId.value());
      if (sub != null) {
        return vertx.executeBlocking(() -> {
          subscriptions.close(this, sub);
          return null;
        }, false).transform(ignored -> {
          send(Frames.envelope(id, "unsubscribe_ack", null));
          return Future.succeededFuture();
        });
      }
    }
    send(Frames.envelope(id, "unsubscribe_ack", null)); // acknowledged even when unknown, as the original does
    return Future.succeededFuture();
  }

  @Override
  void resetSnapshot(String streamerId, String clientId) {
    subscriptions.resetSnapshot(vertx, this, streamerId);
  }

  @Override
  void cutOff() {
    onClosed();
  }

  private void onClosed() {
    markClosed();
    vertx.cancelTimer(heartbeatTimer);
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    subscriptions.closeAll(this);
    byClientId.clear();
  }

  @Override
  boolean transportFull() {
    return ws.writeQueueFull();
  }

  @Override
  void transportWrite(Out out) {
    ws.writeTextMessage(new String(out.frame(), StandardCharsets.UTF_8));
  }

  @Override
  void onTransportDrained(Runnable r) {
    ws.drainHandler(v -> r.run());
  }

  /**
   * A graceful close first; a client that does not read never answers the close frame, so the
   * TCP connection is dropped after a grace period.
   */
  @Override
  void closeTransport() {
    ws.close((short) 1008, "closed by server");
    vertx.setTimer(5_000, t -> {
      if (!ws.isClosed()) {
        connection.close();
      }
    });
  }

  /** Closes with a normal close frame (server shutdown). */
  void shutdown() {
    ws.close((short) 1001, "server shutting down");
  }
}
