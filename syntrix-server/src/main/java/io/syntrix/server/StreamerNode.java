package io.syntrix.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.syntrix.link.LinkOptions;
import io.syntrix.link.LinkServer;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresStoreOptions;
import io.syntrix.streamer.Checkpoint;
import io.syntrix.streamer.InProcessStreamer;
import io.syntrix.streamer.StreamerOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The wiring of {@code --role streamer}: the PostgreSQL store as a sequencer candidate, the
 * in-process streamer (the matcher) on its change log, and the link ({@link LinkServer}) that
 * serves that streamer to the gateways. No HTTP API: only {@code /health}, {@code /ready} and
 * {@code /metrics} on a small JDK HTTP server (one thread; the probes are cheap).
 *
 * <p>Shutdown order ({@link #close}): stop the ops listener, stop the streamer (its streams are
 * cut off with {@code SHUTDOWN} and exact positions, its position recorded), close the link, close
 * the store.
 */
final class StreamerNode implements AutoCloseable {
  final PostgresDocumentStore store;
  final InProcessStreamer streamer;
  final LinkServer link;
  private final HttpServer ops;

  private StreamerNode(PostgresDocumentStore store, InProcessStreamer streamer, LinkServer link, HttpServer ops) {
    this.store = store;
    this.streamer = streamer;
    this.link = link;
    this.ops = ops;
  }

  /**
   * Opens the store, starts the streamer and serves the link on {@code host:linkPort} and the
   * probes on {@code host:port}; whatever started is closed again if a later step fails.
   */
  static StreamerNode start(ServerConfig settings) {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Path dataDir = settings.dataDir().toAbsolutePath().normalize();
    PostgresDocumentStore store = new PostgresDocumentStore(PostgresStoreOptions.defaults(settings.postgresUrl())
        .withRetention(settings.retention()));
    InProcessStreamer streamer = null;
    LinkServer link = null;
    try {
      streamer = InProcessStreamer.start(store.changeLog(), StreamerOptions.defaults().withMeters(meters)
          .withCheckpoint(Checkpoint.file(dataDir.resolve("streamer.checkpoint"))));
      link = LinkServer.start(streamer, new InetSocketAddress(settings.host(), settings.cluster().linkPort()),
          LinkOptions.defaults());
      HttpServer ops = ops(settings, store, streamer, meters);
      return new StreamerNode(store, streamer, link, ops);
    } catch (RuntimeException e) {
      if (link != null) {
        link.close();
      }
      if (streamer != null) {
        streamer.close();
      }
      store.close();
      throw e;
    }
  }

  private static HttpServer ops(ServerConfig settings, PostgresDocumentStore store, InProcessStreamer streamer,
                                PrometheusMeterRegistry meters) {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), e);
    }
    http.setExecutor(Executors.newSingleThreadExecutor(Thread.ofPlatform().name("syntrix-ops-http").daemon().factory()));
    http.createContext("/health", x -> answer(x, 200, "{\"status\":\"ok\"}", "application/json"));
    http.createContext("/ready", x -> {
      String reason = !store.isHealthy() ? "the store's committer is not running"
          : !streamer.isRunning() ? streamer.notRunningReason() : null;
      answer(x, reason == null ? 200 : 503, reason == null ? "{\"status\":\"ready\"}"
          : "{\"status\":\"unavailable\",\"reason\":\"" + reason.replace("\"", "'") + "\"}", "application/json");
    });
    http.createContext("/metrics", x -> answer(x, 200, meters.scrape(), "text/plain; version=0.0.4"));
    http.start();
    return http;
  }

  private static void answer(HttpExchange x, int status, String body, String type) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The port the probes listen on. */
  int opsPort() {
    return ops.getAddress().getPort();
  }

  @Override
  public void close() {
    ops.stop(0);
    streamer.close();
    link.close();
    store.close();
  }
}
