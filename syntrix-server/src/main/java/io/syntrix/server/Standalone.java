package io.syntrix.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.syntrix.gateway.GatewayOptions;
import io.syntrix.gateway.GatewayServer;
import io.syntrix.identity.IdentityServices;
import io.syntrix.link.LinkOptions;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresStoreOptions;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import io.syntrix.streamer.Checkpoint;
import io.syntrix.streamer.InProcessStreamer;
import io.syntrix.streamer.Streamer;
import io.syntrix.streamer.StreamerOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * The wiring of standalone mode ({@code --role all}): the store (embedded RocksDB, or PostgreSQL),
 * identity, the in-process streamer and the HTTP gateway on Vert.x, sharing ONE Prometheus
 * registry, so {@code /metrics} shows the streamer's meters beside the gateway's. {@link #open} does what can fail on bad settings or
 * data (store, identity); {@link #start} what can fail on the network (listening).
 *
 * <p>Shutdown order ({@link #shutdown}): stop accepting requests and let those in flight finish,
 * stop the streamer (recording its position), close the store (queued writes commit and the WAL
 * is fsynced), then stop Vert.x.
 *
 * <p>{@code --role gateway} is the same wiring with two differences: the PostgreSQL store never
 * sequences, and the streamer is a {@link io.syntrix.link.GrpcStreamer} linked to the first
 * configured streamer process that answers ({@link StreamerLinks}); {@code /ready} then reports
 * the link's state.
 */
final class Standalone {
  /** Local files: the signing key, the streamer's checkpoint, and RocksDB's data when it is the store. */
  final Path dataDir;
  /** Where the data is, for the start-up line. */
  final String storeDescription;
  final DocumentStore store;
  final IdentityServices identity;
  final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Streamer streamer;
  private Vertx vertx;
  private GatewayServer gateway;

  private Standalone(Path dataDir, String storeDescription, DocumentStore store, IdentityServices identity) {
    this.dataDir = dataDir;
    this.storeDescription = storeDescription;
    this.store = store;
    this.identity = identity;
  }

  /**
   * Opens the store and starts identity.
   *
   * @throws io.syntrix.model.SyntrixException if identity cannot start (the store is closed again)
   */
  static Standalone open(ServerConfig settings) {
    Path dataDir = settings.dataDir().toAbsolutePath().normalize();
    DocumentStore store;
    String description;
    if (ServerConfig.POSTGRES.equals(settings.storeEngine())) {
      io.syntrix.model.InvalidInputException.check(settings.postgresUrl() != null,
          "the postgres store needs --postgres-url (SYNTRIX_POSTGRES_URL, storage.postgresUrl)");
      // A gateway never sequences: the streamer (role streamer) does, beside its matcher.
      store = new PostgresDocumentStore(PostgresStoreOptions.defaults(settings.postgresUrl())
          .withRetention(settings.retention()).withSequencer(settings.cluster().role() != Cluster.Role.GATEWAY));
      description = settings.postgresUrl().replaceAll("password=[^&]*", "password=***");
    } else {
      store = RocksDocumentStore.open(RocksStoreOptions.defaults(dataDir)
          .withRetention(settings.retention()).withDurability(settings.durability()));
      description = dataDir.toString();
    }
    IdentityServices.Options identityOptions = IdentityServices.Options.defaults(dataDir)
        .withAdminPassword(settings.adminPassword()).withMaxDatabasesPerUser(settings.maxDatabasesPerUser());
    if (settings.signingKeyFile() != null) {
      identityOptions = identityOptions.withSigningKey(settings.signingKeyFile());
    }
    try {
      return new Standalone(dataDir, description, store, IdentityServices.start(store, identityOptions));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Starts the streamer and the gateway and listens; returns the bound port.
   *
   * @throws RuntimeException if the gateway cannot listen (everything is closed again)
   */
  int start(ServerConfig settings) {
    vertx = Vertx.vertx();
    GatewayOptions gatewayOptions = GatewayOptions.defaults().withHost(settings.host()).withPort(settings.port())
        .withRateLimit(settings.rateLimitEnabled()
            ? new GatewayOptions.RateLimit(true, settings.perMinute(), settings.authPerMinute())
            : GatewayOptions.RateLimit.off())
        .withAllowedOrigins(settings.allowedOrigins()).withTrustedProxies(settings.trustedProxies())
        .withRealtime(settings.realtime()).withResponseDeadlineMillis(settings.responseDeadlineMillis())
        .withQuerySort(settings.querySort());
    try {
      streamer = settings.cluster().role() == Cluster.Role.GATEWAY
          ? StreamerLinks.connect(settings.cluster().streamerAddresses(), LinkOptions.defaults())
          : InProcessStreamer.start(store.changeLog(), StreamerOptions.defaults().withMeters(meters)
              .withCheckpoint(Checkpoint.file(dataDir.resolve("streamer.checkpoint"))));
    } catch (RuntimeException e) {
      store.close();
      vertx.close().await();
      throw e;
    }
    gateway = new GatewayServer(vertx, gatewayOptions, store, identity, streamer, meters);
    if (store instanceof PostgresDocumentStore pg) {
      io.micrometer.core.instrument.Gauge.builder("syntrix.sequencer.active", pg, s -> s.isSequencing() ? 1 : 0)
          .description("1 while this process sequences the PostgreSQL change log (one process at a time)")
          .register(meters);
      io.micrometer.core.instrument.Gauge.builder("syntrix.sequencer.lag.ms", pg, PostgresDocumentStore::sequencerLagMillis)
          .description("How far sequencing is behind the commits read from the replication slot").register(meters);
    }
    // Databases marked for deletion lose their documents in the background.
    vertx.setPeriodic(60_000, id -> vertx.executeBlocking(identity.databases()::purgeDeleted, false));
    // Expired refresh tokens and families, idle login counters: bounded work per minute.
    vertx.setPeriodic(60_000, id -> vertx.executeBlocking(identity.auth()::maintain, false));
    try {
      return gateway.start().await();
    } catch (RuntimeException e) {
      streamer.close();
      store.close();
      vertx.close().await();
      throw e;
    }
  }

  Streamer streamer() {
    return streamer;
  }

  /** Stops everything in order; an HTTP shutdown that does not finish cleanly is logged, not fatal. */
  void shutdown(long graceSeconds) {
    try {
      gateway.shutdown(graceSeconds).toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(Standalone.class).warn("HTTP shutdown did not complete cleanly", e);
    }
    streamer.close();
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
