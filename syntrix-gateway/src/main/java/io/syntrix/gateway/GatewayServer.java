package io.syntrix.gateway;

import io.syntrix.query.QueryEngine;
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
 * id, security headers, body limit (1 MiB; 10 MiB for replication push), the API routes; every
 * failure ends in {@link ApiErrors}. Auth and rules plug in through {@link RequestPolicy}.
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
  private final Router router;
  private volatile HttpServer server;
  private volatile boolean stopping;

  public GatewayServer(Vertx vertx, GatewayOptions options, DocumentStore store) {
    this.vertx = vertx;
    this.options = options;
    this.store = store;
    this.metrics = new GatewayMetrics(store);
    this.router = buildRouter(RequestPolicy.OPEN);
  }

  private Router buildRouter(RequestPolicy policy) {
    Router r = Router.router(vertx);
    r.route().handler(metrics::time);
    r.route().handler(RequestIds::assign);
    r.route().handler(SecurityHeaders::add);
    r.post(ReplicationApi.PUSH).handler(BodyHandler.create(false).setBodyLimit(options.maxPushBodyBytes()));
    r.route().handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()));
    new OpsApi(store, metrics, () -> server != null && !stopping).mount(r);
    new DocumentsApi(store, policy, metrics).mount(r);
    new QueryApi(new QueryEngine(store), policy, metrics).mount(r);
    new ReplicationApi(store, policy, metrics).mount(r);
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

  /** Starts listening; the future gives the bound port. */
  public Future<Integer> start() {
    HttpServerOptions http = new HttpServerOptions().setHost(options.host()).setPort(options.port())
        .setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS);
    return vertx.createHttpServer(http).requestHandler(router).listen().map(s -> {
      server = s;
      log.info("HTTP listening on {}:{}", options.host(), s.actualPort());
      return s.actualPort();
    });
  }

  /** Stops accepting requests and lets those in flight finish (up to {@code graceSeconds}). */
  public Future<Void> shutdown(long graceSeconds) {
    stopping = true;
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.shutdown(graceSeconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    shutdown(5).await();
  }
}
