package io.syntrix.gateway.realtime;

import io.syntrix.identity.AuthService;
import io.syntrix.identity.DatabaseService;
import io.syntrix.identity.IdentityServices;
import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Filter;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.Json;
import io.syntrix.model.Query;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DocumentStore;
import io.syntrix.streamer.Streamer;
import io.syntrix.streamer.SubscribeRequest;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The realtime endpoints: WebSocket {@code GET /realtime/ws} and SSE at
 * {@code /realtime/sse?database=&collection=} and {@code /realtime/v1/databases/{db}/sse}.
 *
 * <p>Upgrade checks: tokens in the query string are refused (401); a browser {@code Origin} must
 * be allowed (403; requests without one, such as the SDK under Node, pass); the client address
 * must be under its connection limit (429 {@code too_many_connections}); SSE needs a bearer token
 * and its user must be under the per-user limit. Errors before the stream starts are JSON like
 * every other endpoint.
 *
 * <p>Every connection is registered until it is released — by its transport closing, a cut-off or
 * shutdown — and its release gives back its subscriptions, its catch-ups and its limit claims.
 */
public final class RealtimeServer implements AutoCloseable {
  private final Vertx vertx;
  private final AuthService auth;
  private final DatabaseService databases;
  private final Hub hub;
  private final Subscriptions subscriptions;
  private final CatchUps catchUps;
  private final WorkerExecutor catchUpWorkers;
  private final ConnectionRegistry registry;
  private final RealtimeMetrics metrics = new RealtimeMetrics();
  private final Predicate<String> originAllowed;
  private final Function<RoutingContext, String> clientAddress;
  private final RealtimeOptions options;
  private final long stallSweep;

  public RealtimeServer(Vertx vertx, DocumentStore store, IdentityServices identity, Streamer streamer,
                        Predicate<String> originAllowed, Function<RoutingContext, String> clientAddress,
                        RealtimeOptions options) {
    this.vertx = vertx;
    this.auth = identity.auth();
    this.databases = identity.databases();
    this.hub = new Hub(streamer);
    // Half the cores at most: catch-ups take turns a page at a time and leave the rest to live delivery.
    this.catchUpWorkers = vertx.createSharedWorkerExecutor("syntrix-realtime-catchup",
        Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    this.catchUps = new CatchUps(store, catchUpWorkers, options, metrics);
    this.subscriptions = new Subscriptions(hub, store, identity.rules(), catchUps, options);
    this.registry = new ConnectionRegistry(options.maxConnectionsPerIp(), options.maxConnectionsPerUser());
    this.originAllowed = originAllowed;
    this.clientAddress = clientAddress;
    this.options = options;
    long sweepMillis = Math.max(100, Math.min(1_000, options.stallMillis() / 4));
    this.stallSweep = vertx.setPeriodic(sweepMillis, t -> sweepStalled());
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

  private SyntrixException tooMany(String what) {
    metrics.refused("too_many_connections");
    return new SyntrixException(ErrorCode.TOO_MANY_CONNECTIONS, what);
  }

  /** Registers a new connection: released, it leaves the registry and gives back everything it holds. */
  private void track(Connection connection, String ip) {
    registry.add(connection);
    connection.onRelease(c -> {
      subscriptions.closeAll(c);
      registry.remove(c);
      registry.releaseIp(ip);
    });
  }

  private void webSocket(RoutingContext ctx) {
    String ip = clientAddress.apply(ctx);
    try {
      checkUpgrade(ctx.request());
      InvalidInputException.check(ctx.request().canUpgradeToWebSocket(), "this endpoint needs a WebSocket upgrade");
      if (!registry.claimIp(ip)) {
        throw tooMany(ip + " already has " + options.maxConnectionsPerIp() + " realtime connections, the limit per address");
      }
    } catch (SyntrixException e) {
      ctx.fail(e);
      return;
    }
    var http = ctx.request().connection();
    ctx.request().toWebSocket().onSuccess(ws -> {
      WebSocketConnection connection = new WebSocketConnection(ws, http, vertx, auth, databases, subscriptions,
          registry, catchUps, options, metrics);
      track(connection, ip);
      connection.start();
    }).onFailure(e -> {
      registry.releaseIp(ip);
      ctx.fail(e);
    });
  }

  private void sse(RoutingContext ctx, String databaseName) {
    String ip = clientAddress.apply(ctx);
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
      query = new Query(CollectionPath.of(collection), parsed, List.of(), 0, null, false);
      resumeAfter = lastEventId(ctx.request());
    } catch (SyntrixException e) {
      ctx.fail(e);
      return;
    }
    ClientSubscription.Spec spec = new ClientSubscription.Spec(SseConnection.SUBSCRIPTION, query, true, false,
        resumeAfter);
    // The rules are asked before the stream starts, so a refusal is still a clean JSON 401/403/429.
    subscriptions.authorize(vertx, principal, db, query).onFailure(ctx::fail).onSuccess(ok -> {
      if (!registry.claimIp(ip)) {
        ctx.fail(tooMany(ip + " already has " + options.maxConnectionsPerIp() + " realtime connections, the limit per address"));
        return;
      }
      if (!registry.claimUser(principal.userId())) {
        registry.releaseIp(ip);
        ctx.fail(tooMany("user " + principal.username() + " already has " + options.maxConnectionsPerUser()
            + " realtime connections, the limit per user"));
        return;
      }
      var response = ctx.response();
      response.setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no"); // no Connection header: HTTP/1.1 keeps alive, HTTP/2 forbids it
      response.write(": connected\n\n");
      SseConnection connection = new SseConnection(response, vertx, catchUps, options, metrics);
      track(connection, ip);
      connection.onRelease(c -> registry.releaseUser(principal.userId()));
      connection.start(options.sseHeartbeatMillis());
      subscriptions.open(vertx, connection, principal, db, spec, null, true)
          .onFailure(e -> connection.fail("internal", "the subscription could not be opened: " + e.getMessage()));
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

  /** A connection with bytes waiting whose transport has written nothing for {@code stallMillis} is cut off. */
  private void sweepStalled() {
    long now = System.nanoTime();
    long limit = TimeUnit.MILLISECONDS.toNanos(options.stallMillis());
    for (Connection c : registry.open()) {
      c.checkStalled(now, limit);
    }
  }

  public int subscriptions() {
    return hub.subscriptions();
  }

  public int connections() {
    return registry.size();
  }

  /** Bytes queued or in the transport for every connection together: the heap realtime clients pin. */
  public long pendingBytes() {
    long sum = 0;
    for (Connection c : registry.open()) {
      sum += c.outbox.pendingBytes();
    }
    return sum;
  }

  /** The most bytes any one connection has pending: what the slowest client pins, at most its budget. */
  public long maxPendingBytesPerConnection() {
    long max = 0;
    for (Connection c : registry.open()) {
      max = Math.max(max, c.outbox.pendingBytes());
    }
    return max;
  }

  public RealtimeMetrics metrics() {
    return metrics;
  }

  /** Catch-ups running or queued, and limit claims held: both return to zero when every client has left. */
  int pendingCatchUps() {
    return catchUps.pending();
  }

  int claimedKeys() {
    return registry.claimedKeys();
  }

  /** Closes every connection with a proper close frame (releasing what each holds), then the hub's stream. */
  @Override
  public void close() {
    vertx.cancelTimer(stallSweep);
    for (Connection c : List.copyOf(registry.open())) {
      c.context.runOnContext(v -> c.shutdown());
    }
    hub.close();
    catchUpWorkers.close();
  }
}
