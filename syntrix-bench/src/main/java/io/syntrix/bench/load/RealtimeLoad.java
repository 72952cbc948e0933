package io.syntrix.bench.load;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/syntrix-bench realtime}: opens C WebSocket connections with S subscriptions each
 * ({@code room == r<k>}, k uniform over R rooms), writes W documents per second over HTTP into one
 * collection for T seconds (open loop), and checks that every acknowledged write reached every
 * subscription of its room exactly once, with latencies, delivery rate, connection set-up time and
 * the server's memory per connection. See docs/benchmarks.md, "Realtime load tool".
 *
 * <p>With {@code --stalled} or {@code --resume-storm} the measured time is two phases of T seconds
 * each: A, the healthy clients alone, then B, the same healthy clients beside hostile ones
 * (connections that stop reading; connections that resume from seq 0 over and over). The healthy
 * clients' accounting and latencies are reported per phase, side by side, plus the hostile
 * clients' own figures ({@link HostilePhase}).
 *
 * <p>Exit status: 0 when the run is healthy (every expected delivery arrived exactly once, nothing
 * unexpected, no write errors, no connection lost), 1 when it is not, 2 on bad options, 3 when the
 * run could not be set up (server not reachable, connections refused).
 */
@Command(name = "syntrix-bench realtime", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Realtime load: C WebSocket connections x S room subscriptions, W writes/s over HTTP for T "
        + "seconds. Reports exactly-once accounting, write-ack -> receipt and write-send -> receipt latency, "
        + "delivered events/s, connection set-up time and server RSS per connection. With --stalled or "
        + "--resume-storm: phase A (healthy clients alone, T s) then phase B (the same beside hostile clients, T s), "
        + "reported side by side. Targets 127.0.0.1 only. "
        + "Exit status: 0 healthy, 1 not healthy, 2 bad options, 3 could not set up. See docs/benchmarks.md.")
public final class RealtimeLoad implements Callable<Integer> {
  @Option(names = "--url", description = "Server base URL, 127.0.0.1 or localhost only (default ${DEFAULT-VALUE}).")
  String url = "http://127.0.0.1:8080";

  @Option(names = {"-c", "--connections"}, description = "WebSocket connections (default ${DEFAULT-VALUE}).")
  int connections = 100;

  @Option(names = {"-s", "--subscriptions"}, description = "Subscriptions per connection (default ${DEFAULT-VALUE}).")
  int subscriptions = 5;

  @Option(names = {"-r", "--rooms"}, description = "Rooms r0..r(R-1) (default ${DEFAULT-VALUE}).")
  int rooms = 100;

  @Option(names = {"-w", "--writes"}, description = "Offered writes per second (default ${DEFAULT-VALUE}).")
  int writes = 500;

  @Option(names = {"-t", "--duration"}, description = "Measured seconds of writing (default ${DEFAULT-VALUE}).")
  int duration = 20;

  @Option(names = "--warmup", description = "Seconds of writing before the measured window (default ${DEFAULT-VALUE}); "
      + "their deliveries are checked but not in the latency figures.")
  int warmup = 10;

  @Option(names = "--writers", description = "HTTP connections for the writes (default ${DEFAULT-VALUE}).")
  int writers = 16;

  @Option(names = "--client-threads", description = "Event loops of this client (default: 2 x cores = ${DEFAULT-VALUE}).")
  int clientThreads = 2 * Runtime.getRuntime().availableProcessors();

  @Option(names = "--json", description = "Also write the report as JSON to this file.")
  Path json;

  @Option(names = "--start-server", description = "Start bin/syntrix serve on a free 127.0.0.1 port with a temporary "
      + "data directory and --no-rate-limit, and stop it at the end (ignores --url).")
  boolean startServer;

  @Option(names = "--postgres", description = "With --start-server: run the server on PostgreSQL (a real one this tool "
      + "starts from Maven artifacts, fsync on) instead of the embedded RocksDB store.")
  boolean postgres;

  @Option(names = "--server-pid", description = "Pid of the server process, for RSS and CPU figures (without --start-server).")
  long serverPid;

  @Option(names = "--syntrix", description = "The bin/syntrix launcher for --start-server "
      + "(default: bin/syntrix of the checkout the launcher runs from).")
  Path syntrix;

  @Option(names = "--collection", description = "Collection to write (default: load_<random>, fresh per run).")
  String collection;

  @Option(names = "--grace", description = "Seconds to wait at the end for outstanding deliveries (default ${DEFAULT-VALUE}).")
  int grace = 15;

  @Option(names = "--settle-ms", description = "Milliseconds to keep listening after the last expected delivery, to "
      + "catch duplicates (default ${DEFAULT-VALUE}).")
  int settleMs = 1000;

  @Option(names = "--write-timeout-ms", description = "Timeout of one write request (default ${DEFAULT-VALUE}).")
  int writeTimeoutMs = 10_000;

  @Option(names = "--max-in-flight", description = "Writes outstanding at once; beyond it a due write is not sent "
      + "and is counted as dropped (default ${DEFAULT-VALUE}).")
  int maxInFlight = 20_000;

  @Option(names = "--connect-concurrency", description = "Connections being set up at once (default ${DEFAULT-VALUE}).")
  int connectConcurrency = 64;

  @Option(names = "--setup-timeout", description = "Seconds allowed for all connections and subscriptions (default ${DEFAULT-VALUE}).")
  int setupTimeout = 180;

  @Option(names = "--server-start-timeout", description = "Seconds to wait for the started server's ready line, "
      + "including a first build (default ${DEFAULT-VALUE}).")
  int serverStartTimeout = 600;

  @Option(names = "--token-refresh", description = "Seconds between token refreshes (and re-auth of every connection) "
      + "in runs longer than that; access tokens live 15 minutes (default ${DEFAULT-VALUE}).")
  int tokenRefresh = 600;

  @Option(names = "--payload-bytes", description = "Extra padding characters in each document; the stalled "
      + "connections are sent the same documents (default ${DEFAULT-VALUE}).")
  int payloadBytes = 0;

  @Option(names = "--stalled", description = "Phase B: N extra connections that authenticate, subscribe with data "
      + "and then never read again (default ${DEFAULT-VALUE}: none).")
  int stalled = 0;

  @Option(names = "--stalled-subscriptions", description = "Rooms each stalled connection subscribes to "
      + "(default: every room, at most 100), so it is sent W x n/R events/s.")
  Integer stalledSubscriptions;

  @Option(names = "--stalled-drain", description = "Seconds, at the end of phase B, spent reading what reached the "
      + "stalled connections (to find the server's error and close frames) before resetting them (default ${DEFAULT-VALUE}).")
  int stalledDrain = 5;

  @Option(names = "--resume-storm", description = "Phase B: connections that subscribe with resumeAfter 0 to a "
      + "backlog collection, read the whole replay, disconnect and start again, for the whole phase.")
  boolean resumeStorm;

  @Option(names = "--storm-connections", description = "Connections of the resume storm (default ${DEFAULT-VALUE}).")
  int stormConnections = 4;

  @Option(names = "--storm-backlog", description = "Documents written into the storm's own collection before "
      + "phase A (default ${DEFAULT-VALUE}).")
  int stormBacklog = 15_000;

  @Option(names = "--storm-doc-bytes", description = "Padding characters in each backlog document (default ${DEFAULT-VALUE}).")
  int stormDocBytes = 2048;

  @Option(names = "--storm-timeout", description = "Seconds without a frame after which a storm resume is given up "
      + "(default ${DEFAULT-VALUE}).")
  int stormTimeout = 30;

  @Option(names = "--seed", description = "Random seed for rooms (default: random).")
  Long seed;

  /** The command line, echoed in the report. */
  static String[] arguments = new String[0];

  public static void main(String[] args) {
    arguments = args.clone();
    System.exit(new CommandLine(new RealtimeLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String problem = validate();
    if (problem != null) {
      System.err.println("syntrix-bench realtime: " + problem);
      return 2;
    }
    String host;
    int port;
    LocalServer server = null;
    BenchPostgres pg = null;
    try {
      if (startServer) {
        Path launcher = launcher();
        System.err.println("syntrix-bench: starting " + launcher + " serve on 127.0.0.1 (free port)"
            + (postgres ? " on PostgreSQL" : "") + "...");
        try {
          java.util.List<String> store = java.util.List.of();
          if (postgres) {
            pg = BenchPostgres.start();
            store = java.util.List.of("--store", "postgres", "--postgres-url", pg.jdbcUrl());
          }
          server = LocalServer.start(launcher, serverStartTimeout, store);
        } catch (IOException e) {
          System.err.println("syntrix-bench realtime: cannot start the server: " + e.getMessage());
          return 3;
        }
        host = "127.0.0.1";
        port = server.port();
        serverPid = server.pid();
        System.err.println("syntrix-bench: server pid " + serverPid + " on port " + port + ", log " + server.log());
      } else {
        URI uri = URI.create(url);
        host = uri.getHost();
        port = uri.getPort() > 0 ? uri.getPort() : 80;
      }
      LoadRun run = new LoadRun(this, host, port, server);
      Report report;
      try {
        report = run.execute();
      } catch (LoadRun.SetupException e) {
        System.err.println("syntrix-bench realtime: " + e.getMessage());
        return 3;
      }
      System.out.print(report.text());
      if (json != null) {
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.writeString(json, report.json());
        System.out.println("\nJSON report: " + json);
      }
      return Boolean.TRUE.equals(report.get("verdict", "healthy")) ? 0 : 1;
    } finally {
      if (server != null) {
        server.close();
      }
      if (pg != null) {
        pg.close();
      }
    }
  }

  private Path launcher() {
    if (syntrix != null) {
      return syntrix;
    }
    String home = System.getProperty("syntrix.home");
    if (home != null && !home.isEmpty()) {
      return Path.of(home, "bin", "syntrix");
    }
    return Path.of("bin", "syntrix");
  }

  /** Bounds every knob, so no run can loop or allocate without limit; null when fine. */
  String validate() {
    if (!startServer) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        return "--url is not a URL: " + url;
      }
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        return "--url must be http://127.0.0.1:<port>";
      }
      if (!uri.getHost().equals("127.0.0.1") && !uri.getHost().equals("localhost")) {
        return "--url must point at 127.0.0.1 (or localhost); this tool only loads a local server";
      }
    }
    if (connections < 1 || connections > 20_000) {
      return "--connections must be in 1..20000";
    }
    if (subscriptions < 1 || subscriptions > 100) {
      return "--subscriptions must be in 1..100";
    }
    if (rooms < 1 || rooms > 1_000_000) {
      return "--rooms must be in 1..1000000";
    }
    if (writes < 1 || writes > 100_000) {
      return "--writes must be in 1..100000 per second";
    }
    if (duration < 1 || duration > 3600) {
      return "--duration must be in 1..3600 seconds";
    }
    if (warmup < 0 || warmup > 600) {
      return "--warmup must be in 0..600 seconds";
    }
    if (writers < 1 || writers > 1024) {
      return "--writers must be in 1..1024";
    }
    if (clientThreads < 1 || clientThreads > 256) {
      return "--client-threads must be in 1..256";
    }
    if (grace < 0 || grace > 600 || settleMs < 0 || settleMs > 60_000) {
      return "--grace must be in 0..600 s and --settle-ms in 0..60000";
    }
    if (writeTimeoutMs < 100 || writeTimeoutMs > 120_000) {
      return "--write-timeout-ms must be in 100..120000";
    }
    if (maxInFlight < 1 || maxInFlight > 1_000_000) {
      return "--max-in-flight must be in 1..1000000";
    }
    if (connectConcurrency < 1 || connectConcurrency > 1000 || setupTimeout < 1 || setupTimeout > 3600) {
      return "--connect-concurrency must be in 1..1000 and --setup-timeout in 1..3600";
    }
    if (tokenRefresh < 5 || tokenRefresh > 840) {
      return "--token-refresh must be in 5..840 seconds (tokens live 900)";
    }
    if (payloadBytes < 0 || payloadBytes > 100_000) {
      return "--payload-bytes must be in 0..100000";
    }
    if (stalled < 0 || stalled > 1000) {
      return "--stalled must be in 0..1000";
    }
    if (stalledSubscriptions != null && (stalledSubscriptions < 1 || stalledSubscriptions > Math.min(100, rooms))) {
      return "--stalled-subscriptions must be in 1..min(100, rooms)";
    }
    if (stalledDrain < 0 || stalledDrain > 60) {
      return "--stalled-drain must be in 0..60 seconds";
    }
    if (stormConnections < 1 || stormConnections > 64 || stormBacklog < 1 || stormBacklog > 1_000_000) {
      return "--storm-connections must be in 1..64 and --storm-backlog in 1..1000000";
    }
    if (stormDocBytes < 0 || stormDocBytes > 65_536 || (long) stormBacklog * stormDocBytes > (1L << 30)) {
      return "--storm-doc-bytes must be in 0..65536, and backlog x doc bytes at most 1 GiB";
    }
    if (stormTimeout < 1 || stormTimeout > 600) {
      return "--storm-timeout must be in 1..600 seconds";
    }
    if (collection != null && !collection.matches("[a-zA-Z0-9_\\-.]{1,64}")) {
      return "--collection must be 1..64 of [a-zA-Z0-9_.-] (a top-level collection)";
    }
    long plannedWrites = plannedWrites();
    if (plannedWrites > 20_000_000L) {
      return "writes x (warmup + duration) = " + plannedWrites + " is above the 20,000,000 the ledger holds";
    }
    double expectedDeliveries = (double) plannedWrites * connections * subscriptions / rooms;
    if (expectedDeliveries > 100_000_000d) {
      return String.format("about %.0f expected deliveries; the ledger holds 100,000,000 (fewer writes, "
          + "subscriptions or more rooms)", expectedDeliveries);
    }
    return null;
  }

  long plannedWrites() {
    return (long) writes * (warmup + measuredSeconds());
  }

  /** Phase B with hostile clients follows phase A. */
  boolean hostile() {
    return stalled > 0 || resumeStorm;
  }

  /** Seconds measured: one phase of T seconds, or two (A and B) with hostile clients. */
  int measuredSeconds() {
    return duration * (hostile() ? 2 : 1);
  }

  int stalledSubscriptions() {
    return stalledSubscriptions != null ? stalledSubscriptions : Math.min(100, rooms);
  }
}
