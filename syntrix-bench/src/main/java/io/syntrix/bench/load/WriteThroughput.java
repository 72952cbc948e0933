package io.syntrix.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/syntrix-bench writes}: single-document creates from W closed-loop writers (Parse's W3
 * shape: 16 concurrent, each sends its next create when the last one is acknowledged), in one run:
 * raw pgjdbc inserts of the rows a create writes (the baseline), then Syntrix over HTTP on the
 * embedded RocksDB store, then Syntrix over HTTP on PostgreSQL. Each server is a fresh
 * {@code bin/syntrix serve} process driven by a Vert.x client on one event loop; PostgreSQL is a real one started from Maven artifacts with
 * fsync and synchronous_commit on. Prints creates/s and ack latency per variant.
 */
@Command(name = "syntrix-bench writes", mixinStandardHelpOptions = true,
    description = "Closed-loop create throughput: raw pgjdbc vs Syntrix on RocksDB vs Syntrix on PostgreSQL.")
public final class WriteThroughput implements Callable<Integer> {
  @Option(names = {"-c", "--writers"}, description = "Concurrent closed-loop writers (default ${DEFAULT-VALUE}).")
  int writers = 16;

  @Option(names = {"-n", "--creates"}, description = "Measured creates per variant (default ${DEFAULT-VALUE}).")
  int creates = 5_000;

  @Option(names = "--warmup", description = "Creates before measuring, per variant (default ${DEFAULT-VALUE}).")
  int warmup = 1_000;

  @Option(names = "--variants", split = ",", description = "Which to run, of raw,rocksdb,postgres (default: all).")
  List<String> variants = List.of("raw", "rocksdb", "postgres");

  @Option(names = "--syntrix", description = "The bin/syntrix launcher (default: the checkout's).")
  Path syntrix;

  private record Result(String variant, int creates, double seconds, Histogram latency, Cpu cpu) {
    String line() {
      return String.format("  %-28s %7d creates in %6.2f s = %8.0f/s   ack p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms%n"
              + "  %-28s CPU per create: server %4.0f µs, PostgreSQL %4.0f µs, this client %4.0f µs, machine %4.0f µs",
          variant, creates, seconds, creates / seconds, latency.getValueAtPercentile(50) / 1e3,
          latency.getValueAtPercentile(99) / 1e3, latency.getMaxValue() / 1e3, "", cpu.server() / creates,
          cpu.postgres() / creates, cpu.client() / creates, cpu.machine() / creates);
    }
  }

  /**
   * CPU microseconds spent during the measured creates: by the server process (-1 pid: none), by
   * every process named postgres, by this JVM, and by the whole machine (anything else running
   * shows as the difference).
   */
  private record Cpu(double server, double postgres, double client, double machine) {
    static Cpu now(long serverPid) {
      long pg = 0;
      try (java.util.stream.Stream<Path> procs = java.nio.file.Files.list(Path.of("/proc"))) {
        for (Path p : procs.toList()) {
          String name = p.getFileName().toString();
          if (name.chars().allMatch(Character::isDigit) && isPostgres(p)) {
            pg += Math.max(0, LocalServer.cpuTicks(Long.parseLong(name)));
          }
        }
      } catch (java.io.IOException e) {
        pg = 0;
      }
      double tick = 1e6 / LocalServer.TICKS_PER_SECOND;
      double client = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
          .getOperatingSystemMXBean()).getProcessCpuTime() / 1e3;
      return new Cpu(serverPid > 0 ? LocalServer.cpuTicks(serverPid) * tick : 0, pg * tick, client,
          LocalServer.machineBusyTicks() * tick);
    }

    private static boolean isPostgres(Path proc) {
      try {
        return java.nio.file.Files.readString(proc.resolve("comm")).trim().equals("postgres");
      } catch (java.io.IOException e) {
        return false;
      }
    }

    Cpu minus(Cpu before) {
      return new Cpu(server - before.server, postgres - before.postgres, client - before.client,
          machine - before.machine);
    }
  }

  /** One create as the variant performs it; returns when it is acknowledged. */
  private interface Create {
    void run(int writer, int i) throws Exception;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new WriteThroughput()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Result> results = new ArrayList<>();
    if (variants.contains("raw")) {
      try (BenchPostgres pg = BenchPostgres.start()) {
        results.add(rawPgjdbc(pg.jdbcUrl()));
      }
    }
    if (variants.contains("rocksdb")) {
      results.add(overHttp("Syntrix on RocksDB", List.of()));
    }
    if (variants.contains("postgres")) {
      try (BenchPostgres pg = BenchPostgres.start()) {
        results.add(overHttp("Syntrix on PostgreSQL", List.of("--store", "postgres", "--postgres-url", pg.jdbcUrl())));
      }
    }
    System.out.println("\ncreates, " + writers + " closed-loop writers, " + creates + " measured after " + warmup
        + " warm-up, " + Runtime.getRuntime().availableProcessors() + " cores:");
    results.forEach(r -> System.out.println(r.line()));
    return 0;
  }

  /** The rows one create writes (document, five index entries) in one transaction, straight through pgjdbc. */
  private Result rawPgjdbc(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE docs (db text COLLATE \"C\", collection text COLLATE \"C\", id text COLLATE \"C\","
          + " data json, version bigint, created_at bigint, updated_at bigint, deleted boolean,"
          + " PRIMARY KEY (db, collection, id))");
      s.execute("CREATE TABLE idx (db text COLLATE \"C\", collection text COLLATE \"C\", field text COLLATE \"C\","
          + " value bytea, doc_id text COLLATE \"C\", PRIMARY KEY (db, collection, field, value, doc_id))");
    }
    List<Connection> connections = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Connection c = DriverManager.getConnection(url + "&reWriteBatchedInserts=true");
      c.setAutoCommit(false);
      connections.add(c);
    }
    try {
      return measure("raw pgjdbc (baseline)", -1, (w, i) -> {
        Connection c = connections.get(w);
        String id = "w" + w + "-" + i;
        long now = System.currentTimeMillis();
        try (PreparedStatement doc = c.prepareStatement("INSERT INTO docs VALUES ('default', 'bench', ?, ?::json, 1,"
            + " ?, ?, false)");
             PreparedStatement idx = c.prepareStatement("INSERT INTO idx VALUES ('default', 'bench', ?, ?, ?)")) {
          doc.setString(1, id);
          doc.setString(2, "{\"n\":" + i + ",\"text\":\"hello " + i + "\"}");
          doc.setLong(3, now);
          doc.setLong(4, now);
          doc.executeUpdate();
          for (String field : new String[] {"n", "text", "version", "createdAt", "updatedAt"}) {
            idx.setString(1, field);
            idx.setBytes(2, (field + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            idx.setString(3, id);
            idx.addBatch();
          }
          idx.executeBatch();
          c.commit();
        }
      });
    } finally {
      for (Connection c : connections) {
        c.close();
      }
    }
  }

  private Result overHttp(String variant, List<String> serverArgs) throws Exception {
    Path launcher = syntrix != null ? syntrix : Path.of(System.getProperty("syntrix.home", "."), "bin", "syntrix");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try (LocalServer server = LocalServer.start(launcher, 120, serverArgs)) {
      // One event loop and one keep-alive connection per writer: the client costs little CPU, so
      // the figure is the server's (16 blocking java.net.http threads measured the client).
      HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(server.port()).setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5_000),
          new PoolOptions().setHttp1MaxSize(writers).setMaxWaitQueueSize(-1));
      HttpResponseHead signup = post(http, "/auth/v1/signup", null,
          "{\"username\":\"bench\",\"password\":\"Bench-Password-1\"}");
      Matcher m = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(signup.body());
      if (!m.find()) {
        throw new IllegalStateException("signup failed: " + signup.status() + " " + signup.body());
      }
      String token = m.group(1);
      return measure(variant, server.pid(), (w, i) -> {
        HttpResponseHead r = post(http, "/api/v1/databases/default/documents/bench", token,
            "{\"id\":\"w" + w + "-" + i + "\",\"n\":" + i + ",\"text\":\"hello " + i + "\"}");
        if (r.status() != 201) {
          throw new IllegalStateException("create answered " + r.status() + " " + r.body());
        }
      });
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private record HttpResponseHead(int status, String body) {}

  private static HttpResponseHead post(HttpClientAgent http, String path, String token, String body) throws Exception {
    return http.request(HttpMethod.POST, path).compose(req -> {
      req.putHeader("Content-Type", "application/json");
      if (token != null) {
        req.putHeader("Authorization", "Bearer " + token);
      }
      return req.send(Buffer.buffer(body)).compose(res -> res.body().map(b -> new HttpResponseHead(res.statusCode(),
          b.toString())));
    }).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Warm-up, then the measured creates, shared out to the writers as they go. */
  private Result measure(String variant, long serverPid, Create create) throws Exception {
    System.err.println("syntrix-bench writes: " + variant + "...");
    run(create, warmup, 0, null);
    Histogram latency = new Histogram(60_000_000L, 3);
    Cpu before = Cpu.now(serverPid);
    long started = System.nanoTime();
    run(create, creates, 1_000_000, latency);
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Result(variant, creates, seconds, latency, Cpu.now(serverPid).minus(before));
  }

  private void run(Create create, int total, int idBase, Histogram latency) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int w = 0; w < writers; w++) {
      int writer = w;
      threads.add(Thread.ofPlatform().start(() -> {
        int i;
        while ((i = next.getAndIncrement()) < total) {
          long t0 = System.nanoTime();
          try {
            create.run(writer, idBase + i);
          } catch (Exception e) {
            failures.add(e);
            return;
          }
          if (latency != null) {
            synchronized (latency) {
              latency.recordValue(Math.min((System.nanoTime() - t0) / 1_000, 60_000_000L));
            }
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(failures.size() + " creates failed", failures.get(0));
    }
  }
}
