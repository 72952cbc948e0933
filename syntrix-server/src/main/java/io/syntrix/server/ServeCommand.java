package io.syntrix.server;

import io.syntrix.identity.IdentityServices;
import io.syntrix.model.SyntrixException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syntrix serve}: runs standalone (HTTP gateway on the embedded store, wired by
 * {@link Standalone}) until SIGTERM or SIGINT, then shuts down in {@link Standalone}'s order.
 * {@code --role gateway} runs the same on PostgreSQL with its realtime from a remote streamer;
 * {@code --role streamer} runs {@link StreamerNode}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start Syntrix: standalone (--role all) on the embedded store or on PostgreSQL, or one role of a "
        + "cluster on PostgreSQL (--role gateway or streamer).")
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

  @Option(names = "--store", description = "rocksdb (embedded, default) or postgres (env SYNTRIX_STORE).")
  String store;

  @Option(names = "--postgres-url", description = "jdbc:postgresql://HOST:PORT/DB?user=U&password=P (env SYNTRIX_POSTGRES_URL); "
      + "PostgreSQL 15+ with wal_level=logical.")
  String postgresUrl;

  @Option(names = "--retention", description = "How long tombstones and change-log entries are kept, ISO-8601 (env SYNTRIX_RETENTION; default P30D).")
  String retention;

  @Option(names = "--durability", description = "periodic (fsync the WAL every 100 ms) or each-commit (env SYNTRIX_DURABILITY; default periodic).")
  String durability;

  @Option(names = "--role", description = "all (standalone, default), gateway or streamer (env SYNTRIX_ROLE); "
      + "gateway and streamer need --store postgres.")
  String role;

  @Option(names = "--link-port", description = "Where a streamer serves the link to the gateways (env SYNTRIX_LINK_PORT; "
      + "default 9000; 0 picks a free port).")
  String linkPort;

  @Option(names = "--streamer", description = "host:port[,host:port] of the streamers a gateway links to, the first that "
      + "answers (env SYNTRIX_STREAMER).")
  String streamers;

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
      settings = settings.withStore(store, postgresUrl);
      settings = settings.withCluster(settings.cluster().with(role, linkPort, streamers));
      if (noRateLimit) {
        settings = settings.withRateLimit(false, settings.perMinute(), settings.authPerMinute());
      }
      settings = settings.validated();
    } catch (SyntrixException e) {
      System.err.println("syntrix: " + e.getMessage());
      return 2;
    }
    if (settings.cluster().role() == Cluster.Role.STREAMER) {
      return serveStreamer(settings);
    }
    Standalone server;
    try {
      server = Standalone.open(settings);
    } catch (SyntrixException e) {
      System.err.println("syntrix: " + e.getMessage());
      return 2;
    }
    IdentityServices identity = server.identity;
    if (identity.generatedAdminPassword() != null) {
      System.out.println("Created admin user '" + identity.auth().adminUsername() + "' with password: "
          + identity.generatedAdminPassword() + "  (shown once; set SYNTRIX_ADMIN_PASSWORD to choose it)");
    }
    int boundPort;
    try {
      boundPort = server.start(settings);
    } catch (SyntrixException e) {
      log.error("cannot start: {}", e.getMessage());
      System.err.println("syntrix: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      log.error("cannot listen on {}:{}", settings.host(), settings.port(), e);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("syntrix-shutdown").unstarted(() -> {
      log.info("shutting down");
      server.shutdown(10);
      stopped.countDown();
    }));
    // The line scripts and tests wait for.
    System.out.println("Syntrix ready on http://" + settings.host() + ":" + boundPort + " (store at "
        + server.storeDescription + ", change log at seq " + server.store.changeLog().lastSeq() + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** {@code --role streamer}: the sequencer candidate, the matcher and the link, until SIGTERM or SIGINT. */
  private static int serveStreamer(ServerConfig settings) throws InterruptedException {
    StreamerNode node;
    try {
      node = StreamerNode.start(settings);
    } catch (SyntrixException e) {
      System.err.println("syntrix: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      log.error("cannot start the streamer", e);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("syntrix-shutdown").unstarted(() -> {
      log.info("shutting down");
      node.close();
      stopped.countDown();
    }));
    // The line scripts and tests wait for.
    System.out.println("Syntrix streamer ready: link on " + settings.host() + ":" + node.link.port()
        + ", probes on http://" + settings.host() + ":" + node.opsPort() + " (change log at seq "
        + node.store.changeLog().lastSeq() + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
