package io.syntrix.server;

import io.syntrix.gateway.GatewayOptions;
import io.syntrix.gateway.GatewayServer;
import io.syntrix.identity.IdentityServices;
import io.syntrix.streamer.Checkpoint;
import io.syntrix.streamer.InProcessStreamer;
import io.syntrix.streamer.StreamerOptions;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syntrix serve}: runs standalone (HTTP gateway on the embedded store) until SIGTERM or
 * SIGINT. Shutdown order: stop accepting requests and let those in flight finish, then close
 * the store (queued writes commit and the WAL is fsynced), then stop Vert.x.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start Syntrix standalone on the embedded store.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "--config", description = "YAML configuration file.")
  Path config;

  @Option(names = "--host", description = "Interface to listen on (env SYNTRIX_HOST; default 0.0.0.0).")
  String host;

  @Option(names = "--port", description = "HTTP port (env SYNTRIX_PORT; default 8080; 0 picks a free port).")
  String port;

  @Option(names = "--data-dir", description = "Directory of the embedded store (env SYNTRIX_DATA_DIR; default ./data).")
  String dataDir;

  @Option(names = "--retention", description = "How long tombstones and change-log entries are kept, ISO-8601 (env SYNTRIX_RETENTION; default P30D).")
  String retention;

  @Option(names = "--durability", description = "periodic (fsync the WAL every 100 ms) or each-commit (env SYNTRIX_DURABILITY; default periodic).")
  String durability;

  @Option(names = "--no-rate-limit", description = "Switch per-client rate limits off (tests, benchmarks; env SYNTRIX_RATE_LIMIT=false).")
  boolean noRateLimit;

  @Option(names = "--realtime-connections-per-user", description = "Realtime connections one user may hold (default 256; 0: no limit).")
  Integer connectionsPerUser;

  @Option(names = "--realtime-connections-per-ip", description = "Realtime connections from one client address (default 1024; 0: no limit).")
  Integer connectionsPerIp;

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig settings;
    try {
      settings = ServerConfig.defaults();
      if (config != null) {
        settings = settings.withFile(config);
      }
      settings = settings.withEnvironment(System.getenv()).with(host, port, dataDir, retention, durability);
      settings = settings.withConnectionLimits(connectionsPerUser, connectionsPerIp);
      if (noRateLimit) {
        settings = settings.withRateLimit(false, settings.perMinute(), settings.authPerMinute());
      }
    } catch (SyntrixException e) {
      System.err.println("syntrix: " + e.getMessage());
      return 2;
    }
    RocksStoreOptions storeOptions = RocksStoreOptions.defaults(settings.dataDir().toAbsolutePath().normalize())
        .withRetention(settings.retention()).withDurability(settings.durability());
    RocksDocumentStore store = RocksDocumentStore.open(storeOptions);
    IdentityServices.Options identityOptions = IdentityServices.Options.defaults(storeOptions.directory())
        .withAdminPassword(settings.adminPassword()).withMaxDatabasesPerUser(settings.maxDatabasesPerUser());
    if (settings.signingKeyFile() != null) {
      identityOptions = identityOptions.withSigningKey(settings.signingKeyFile());
    }
    IdentityServices identity;
    try {
      identity = IdentityServices.start(store, identityOptions);
    } catch (SyntrixException e) {
      System.err.println("syntrix: " + e.getMessage());
      store.close();
      return 2;
    }
    if (identity.generatedAdminPassword() != null) {
      System.out.println("Created admin user '" + identity.auth().adminUsername() + "' with password: "
          + identity.generatedAdminPassword() + "  (shown once; set SYNTRIX_ADMIN_PASSWORD to choose it)");
    }
    Vertx vertx = Vertx.vertx();
    GatewayOptions gatewayOptions = GatewayOptions.defaults().withHost(settings.host()).withPort(settings.port())
        .withRateLimit(settings.rateLimitEnabled()
            ? new GatewayOptions.RateLimit(true, settings.perMinute(), settings.authPerMinute())
            : GatewayOptions.RateLimit.off())
        .withAllowedOrigins(settings.allowedOrigins()).withTrustedProxies(settings.trustedProxies())
        .withRealtime(settings.realtime());
    InProcessStreamer streamer = InProcessStreamer.start(store.changeLog(), StreamerOptions.defaults()
        .withCheckpoint(Checkpoint.file(storeOptions.directory().resolve("streamer.checkpoint"))));
    GatewayServer gateway = new GatewayServer(vertx, gatewayOptions, store, identity, streamer);
    // Databases marked for deletion lose their documents in the background.
    vertx.setPeriodic(60_000, id -> vertx.executeBlocking(identity.databases()::purgeDeleted, false));
    // Expired refresh tokens and families, idle login counters: bounded work per minute.
    vertx.setPeriodic(60_000, id -> vertx.executeBlocking(identity.auth()::maintain, false));
    int boundPort;
    try {
      boundPort = gateway.start().await();
    } catch (RuntimeException e) {
      log.error("cannot listen on {}:{}", settings.host(), settings.port(), e);
      streamer.close();
      store.close();
      vertx.close().await();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("syntrix-shutdown").unstarted(() -> {
      log.info("shutting down");
      try {
        gateway.shutdown(10).toCompletionStage().toCompletableFuture().join();
      } catch (RuntimeException e) {
        log.warn("HTTP shutdown did not complete cleanly", e);
      }
      streamer.close();
      store.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
      stopped.countDown();
    }));
    // The line scripts and tests wait for.
    System.out.println("Syntrix ready on http://" + settings.host() + ":" + boundPort + " (store at "
        + storeOptions.directory() + ", change log at seq " + store.changeLog().lastSeq() + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
