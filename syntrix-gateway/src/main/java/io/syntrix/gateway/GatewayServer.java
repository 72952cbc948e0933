package io.syntrix.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.syntrix.identity.IdentityServices;
import io.syntrix.gateway.realtime.RealtimeServer;
import io.syntrix.query.QueryEngine;
import io.syntrix.streamer.Streamer;
import io.syntrix.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of Syntrix on Vert.x. Handler chain, outermost first: metrics timing, request
 * id, security headers, CORS (answers OPTIONS), rate limits, body limit (1 MiB; 10 MiB for
 * replication push), bearer authentication, the API routes; every failure ends in
 * {@link ApiErrors}. Data handlers ask {@link IdentityPolicy} (databases and rules) before they
 * touch the store.
 *
 * <p>Threads: routes run on Vert.x event loops and never block; store reads and queries run on
 * the Vert.x worker pool; writes complete on the store's committer thread and are answered on
 * the request's context.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final Vertx vertx;
  private final GatewayOptions options;
  private final DocumentStore store;
  private final GatewayMetrics metrics;
  private final IdentityServices identity;
  private final Streamer streamer;
  private final Router router;
  private final java.util.List<RateLimiter> limiters = new java.util.ArrayList<>();
  private volatile HttpServer server;
  private volatile boolean stopping;

  private final RealtimeServer realtime;

  /** A gateway with a registry of its own (tests); {@code /metrics} then shows only the gateway's meters. */
  public GatewayServer(Vertx vertx, GatewayOptions options, DocumentStore store, IdentityServices identity,
                       Streamer streamer) {
    this(vertx, options, store, identity, streamer, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * @param meters the registry served at {@code /metrics}; the gateway registers its meters there,
   *               and whatever else shares it (the streamer) is served too
   */
  public GatewayServer(Vertx vertx, GatewayOptions options, DocumentStore store, IdentityServices identity,
                       Streamer streamer, PrometheusMeterRegistry meters) {
    this.vertx = vertx;
    this.options = options;
    this.store = store;
    this.identity = identity;
    this.streamer = streamer;
    this.metrics = new GatewayMetrics(meters, store);
    Cors cors = new Cors(options.allowedOrigins());
    ClientAddress clients = new ClientAddress(options.trustedProxies());
    this.realtime = new RealtimeServer(vertx, store, identity, streamer, cors::allows, clients::of, options.realtime());
    metrics.realtime(realtime);
    this.policy = new IdentityPolicy(identity.databases(), identity.rules(), store);
    this.router = buildRouter(policy, cors);
  }

  /** The rules' gate for every data handler (package-private: tests race its decisions). */
  final IdentityPolicy policy;

  private Router buildRouter(RequestPolicy policy, Cors cors) {
    Router r = Router.router(vertx);
    r.route().handler(metrics::time);
    r.route().handler(RequestIds::assign);
    r.route().handler(SecurityHeaders::add);
    r.route().handler(cors::handle);
    if (options.rateLimit().enabled()) {
      ClientAddress clients = new ClientAddress(options.trustedProxies());
      RateLimiter auth = new RateLimiter("authentication", options.rateLimit().authPerMinute(), clients);
      RateLimiter general = new RateLimiter("", options.rateLimit().perMinute(), clients);
      for (String path : new String[] {"/auth/v1/signup", "/auth/v1/login", "/auth/v1/refresh"}) {
        r.post(path).handler(auth::handle);
      }
      r.route().handler(general::handle);
      limiters.add(auth);
      limiters.add(general);
      vertx.setPeriodic(60_000, id -> limiters.forEach(RateLimiter::sweep));
    }
    realtime.mount(r); // before the body handler: upgrades and event streams are not buffered
    r.post(ReplicationApi.PUSH).handler(BodyHandler.create(false).setBodyLimit(options.maxPushBodyBytes()));
    r.post("/admin/rules/push").handler(BodyHandler.create(false).setBodyLimit(options.maxPushBodyBytes()));
    r.route().handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()));
    r.route().handler(new Authenticator(identity.auth())::handle);
    new OpsApi(store, metrics, this::readiness).mount(r);
    new AuthApi(identity.auth(), new ClientAddress(options.trustedProxies())).mount(r);
    new DatabasesApi(identity.databases(), store::usage).mount(r);
    new AdminApi(identity.auth()).mount(r);
    new RulesApi(identity.databases(), identity.rules()).mount(r);
    new DocumentsApi(store, policy, metrics).mount(r);
    StreamedResponses streams = new StreamedResponses(options.responseDeadlineMillis(), metrics);
    new QueryApi(new QueryEngine(store, options.querySort()), policy, metrics, streams).mount(r);
    new ReplicationApi(store, policy, metrics, streams).mount(r);
    r.route().failureHandler(ApiErrors::handleFailure);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      r.errorHandler(status, ctx -> {
        if (ctx.failure() != null) {
          ApiErrors.handleFailure(ctx);
        } else {
          ApiErrors.sendStatus(ctx, status);
        }
      });
    }
    return r;
  }

  /** What {@code /ready} answers: not while starting or stopping, nor while the store or the streamer is dead. */
  private OpsApi.Readiness readiness() {
    if (server == null || stopping) {
      return new OpsApi.Readiness("stopping", "the server is not accepting requests");
    }
    if (!store.isHealthy()) {
      return new OpsApi.Readiness("unavailable", "the store's committer is not running: writes cannot commit");
    }
    if (!streamer.isRunning()) {
      return new OpsApi.Readiness("unavailable", streamer.notRunningReason());
    }
    return OpsApi.Readiness.READY;
  }

  /** Starts listening; the future gives the bound port. */
  public Future<Integer> start() {
    HttpServerOptions http = new HttpServerOptions().setHost(options.host()).setPort(options.port())
        .setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxWebSocketFrameSize(64 * 1024).setMaxWebSocketMessageSize(64 * 1024);
    return vertx.createHttpServer(http).requestHandler(router).listen().map(s -> {
      server = s;
      log.info("HTTP listening on {}:{}", options.host(), s.actualPort());
      return s.actualPort();
    });
  }

  /** Stops accepting requests and lets those in flight finish (up to {@code graceSeconds}); closes sockets properly. */
  public Future<Void> shutdown(long graceSeconds) {
    stopping = true;
    realtime.close();
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  /** The realtime endpoints (for tests and metrics). */
  public RealtimeServer realtime() {
    return realtime;
  }

  /** Live realtime subscriptions across all connections (for tests and metrics). */
  public int realtimeSubscriptions() {
    return realtime.subscriptions();
  }

  @Override
  public void close() {
    shutdown(5).await();
  }
}
