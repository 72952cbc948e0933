package io.syntrix.gateway.realtime;

import io.syntrix.identity.AuthService;
import io.syntrix.identity.DatabaseService;
import io.syntrix.identity.IdentityServices;
import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Filter;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.Json;
import io.syntrix.model.Query;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DocumentStore;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.Streamer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The realtime endpoints: WebSocket {@code GET /realtime/ws} and SSE at
 * {@code /realtime/sse?database=&collection=} and {@code /realtime/v1/databases/{db}/sse}.
 *
 * <p>Upgrade checks: tokens in the query string are refused (401); a browser {@code Origin} must
 * be allowed (403; requests without one, such as the SDK under Node, pass); SSE needs a bearer
 * token. Errors before the stream starts are JSON like every other endpoint.
 */
public final class RealtimeServer implements AutoCloseable {
  /** Tunables; the defaults are the protocol's. */
  public record Options(int maxQueue, long wsHeartbeatMillis, long sseHeartbeatMillis) {
    public static Options defaults() {
      return new Options(1024, 30_000, 15_000);
    }
  }

  private final Vertx vertx;
  private final AuthService auth;
  private final DatabaseService databases;
  private final Hub hub;
  private final Subscriptions subscriptions;
  private final Predicate<String> originAllowed;
  private final Options options;
  private final Set<WebSocketSession> sockets = ConcurrentHashMap.newKeySet();

  public RealtimeServer(Vertx vertx, DocumentStore store, IdentityServices identity, Streamer streamer,
                        Predicate<String> originAllowed, Options options) {
    this.vertx = vertx;
    this.auth = identity.auth();
    this.databases = identity.databases();
    this.hub = new Hub(streamer);
    this.subscriptions = new Subscriptions(hub, store, identity.rules());
    this.originAllowed = originAllowed;
    this.options = options;
  }

  /** Mounts the routes; call before the body handler so upgrades are not buffered. */
  public void mount(Router router) {
    router.get("/realtime/ws").handler(this::webSocket);
    router.get("/realtime/sse").handler(ctx -> sse(ctx, ctx.request().getParam("database")));
    router.get("/realtime/v1/databases/:db/sse").handler(ctx -> sse(ctx, ctx.pathParam("db")));
  }

  private void checkUpgrade(HttpServerRequest request) {
    if (request.getParam("access_token") != null || request.getParam("token") != null) {
      throw new SyntrixException(ErrorCode.UNAUTHORIZED, "unauthorized: tokens in the query string are not accepted");
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !originAllowed.test(origin)) {
      throw new SyntrixException(ErrorCode.FORBIDDEN, "origin not allowed: " + origin);
    }
  }

  private void webSocket(RoutingContext ctx) {
    try {
      checkUpgrade(ctx.request());
      InvalidInputException.check(ctx.request().canUpgradeToWebSocket(), "this endpoint needs a WebSocket upgrade");
    } catch (SyntrixException e) {
      ctx.fail(e);
      return;
    }
    var connection = ctx.request().connection();
    ctx.request().toWebSocket().onSuccess(ws -> {
      WebSocketSession session = new WebSocketSession(ws, connection, vertx, auth, databases, subscriptions,
          options.maxQueue(), options.wsHeartbeatMillis());
      sockets.add(session);
      ws.closeHandler(v -> sockets.remove(session));
      session.start();
    }).onFailure(ctx::fail);
  }

  private void sse(RoutingContext ctx, String databaseName) {
    Principal principal;
    LogicalDatabase db;
    Query query;
    long resumeAfter;
    try {
      checkUpgrade(ctx.request());
      String header = ctx.request().getHeader("Authorization");
      if (header == null || !header.startsWith("Bearer ")) {
        throw new SyntrixException(ErrorCode.UNAUTHORIZED, "unauthorized: Authorization: Bearer <token> is required");
      }
      principal = auth.authenticate(header.substring(7));
      if (databaseName == null || databaseName.isEmpty()) {
        throw new SyntrixException(ErrorCode.BAD_REQUEST, "database is required");
      }
      db = databases.resolveForData(databaseName);
      String collection = ctx.request().getParam("collection");
      InvalidInputException.check(collection != null && !collection.isEmpty(), "collection is required");
      String filters = ctx.request().getParam("filters");
      List<Filter> parsed = filters == null || filters.isEmpty() ? List.of() : Filter.listFromValue(Json.parse(filters));
      query = new Query(io.syntrix.model.CollectionPath.of(collection), parsed, List.of(), 0, null, false);
      resumeAfter = lastEventId(ctx.request());
    } catch (SyntrixException e) {
      ctx.fail(e);
      return;
    }
    Subscriptions.Spec spec = new Subscriptions.Spec(SseSession.SUBSCRIPTION, query, true, false, resumeAfter);
    // The rules are asked before the stream starts, so a refusal is still a clean JSON 401/403.
    subscriptions.authorize(vertx, principal, db, query).onFailure(ctx::fail).onSuccess(ok -> {
      var response = ctx.response();
      response.setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no"); // no Connection header: HTTP/1.1 keeps alive, HTTP/2 forbids it
      response.write(": connected\n\n");
      SseSession session = new SseSession(response, vertx, subscriptions, options.maxQueue());
      session.start(options.sseHeartbeatMillis());
      subscriptions.open(vertx, session, principal, db, spec, null, true)
          .onFailure(e -> session.fail("internal", "the subscription could not be opened: " + e.getMessage()));
    });
  }

  private static long lastEventId(HttpServerRequest request) {
    String last = request.getHeader("Last-Event-ID");
    if (last == null || last.isBlank()) {
      return SubscribeRequest.LIVE;
    }
    try {
      long seq = Long.parseLong(last.trim());
      InvalidInputException.check(seq >= 0, "Last-Event-ID must be a seq");
      return seq;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("Last-Event-ID must be the id of an earlier event (a seq)");
    }
  }

  public int subscriptions() {
    return hub.subscriptions();
  }

  /** Connections cut off because they fell behind (since the process started). */
  public static long slowConsumersCutOff() {
    return Session.SLOW_CONSUMERS.get();
  }

  public int connections() {
    return sockets.size();
  }

  /** Closes every WebSocket with a proper close frame and the hub's stream. */
  @Override
  public void close() {
    sockets.forEach(WebSocketSession::shutdown);
    hub.close();
  }
}
