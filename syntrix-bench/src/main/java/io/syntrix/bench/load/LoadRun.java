package io.syntrix.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One load run against a server on 127.0.0.1: sign up, connect and subscribe, write open-loop,
 * wait for the deliveries, account. All times are {@link System#nanoTime()} of this process, so
 * the HTTP acknowledgement and the WebSocket receipt of one write are on the same clock.
 *
 * <p><b>Phases.</b> The measured window is one phase of T seconds, or, with hostile clients, phase
 * A (healthy clients alone) followed by phase B (hostile clients beside them, {@link HostilePhase}).
 * The writes never stop between them; the ledger, the CPU readings and the server's RSS are cut at
 * the phase boundary, so both phases are measured in the same run, on the same server and data.
 */
final class LoadRun {
  /** The run could not start (server unreachable, sign-up refused, no connection could be set up). */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final long SECOND = 1_000_000_000L;

  private final RealtimeLoad o;
  private final String host;
  private final int port;
  private final LocalServer server;
  private final long pid;
  private final String collection;
  private final long seed;
  private final String baseUri;

  private Vertx vertx;
  private WebSocketClient wsClient;
  private HttpClientAgent http;
  private final HttpClient sync = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private volatile String accessToken;
  private volatile String refreshToken;
  private volatile Ledger ledger;
  private Conn[] conns;
  private List<Context> contexts;
  private HostilePhase hostile;
  private ServerWatch watch;

  // Frame counters.
  private final LongAdder events = new LongAdder();
  private final LongAdder eventsInWindow = new LongAdder();
  private final LongAdder nonCreateEvents = new LongAdder();
  private final LongAdder heartbeats = new LongAdder();
  private final LongAdder snapshots = new LongAdder();
  private final LongAdder otherFrames = new LongAdder();
  private final LongAdder reauthAcks = new LongAdder();
  private final LongAdder refreshes = new LongAdder();
  private final LongAdder unexpectedCloses = new LongAdder();
  private final Map<String, LongAdder> errorFrames = new ConcurrentHashMap<>();
  private final Map<String, String> errorFrameSamples = new ConcurrentHashMap<>();
  private final Map<String, Boolean> clientThreads = new ConcurrentHashMap<>();

  // Write counters.
  /** Writes due and not yet answered: queued here or sent. */
  private final AtomicInteger inFlight = new AtomicInteger();
  /**
   * Due writes waiting for one of the {@code --writers} connections. The client queues them itself
   * and never has more requests open than connections, so Vert.x's pool never queues: in Vert.x
   * 5.0.7 a request whose timeout fires while it waits for a pooled connection leaks that
   * connection ("Promise already completed"), and once the server fell behind for a timeout's
   * length every connection leaked and the run stopped writing altogether.
   */
  private final java.util.Queue<PendingWrite> pendingWrites = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final AtomicInteger openRequests = new AtomicInteger();
  private final LongAdder sent = new LongAdder();
  private final LongAdder droppedBacklog = new LongAdder();
  private final LongAdder ledgerFull = new LongAdder();
  private final Map<String, LongAdder> writeErrors = new ConcurrentHashMap<>();
  private final Recorder issueLag = new Recorder(Ledger.MAX_MICROS, 3);

  // Timeline (seconds since the first due write).
  private volatile long writeStart = Long.MAX_VALUE;
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MIN_VALUE;
  private AtomicLongArray offeredPerSecond;
  private AtomicLongArray ackedPerSecond;
  private AtomicLongArray deliveredPerSecond;
  private final LongAdder sentInWindow = new LongAdder();
  private final LongAdder dueInWindow = new LongAdder();
  private final LongAdder ackedInWindow = new LongAdder();
  // Healthy clients per phase, by arrival time: events, connections lost, error frames.
  private final AtomicLongArray eventsByPhase = new AtomicLongArray(2);
  private final AtomicLongArray lostByPhase = new AtomicLongArray(2);
  private final AtomicLongArray errorsByPhase = new AtomicLongArray(2);

  private volatile boolean closing;

  LoadRun(RealtimeLoad options, String host, int port, LocalServer server) {
    this.o = options;
    this.host = host;
    this.port = port;
    this.server = server;
    this.pid = options.serverPid;
    String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    this.collection = options.collection != null ? options.collection : "load_" + tag;
    this.seed = options.seed != null ? options.seed : new SecureRandom().nextLong();
    this.baseUri = "http://" + host + ":" + port;
  }

  Report execute() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(o.clientThreads));
    try {
      return run();
    } finally {
      closing = true;
      if (hostile != null) {
        hostile.close();
      }
      if (watch != null) {
        watch.close();
      }
      if (conns != null) {
        for (Conn c : conns) {
          if (c != null && c.ws != null && !c.ws.isClosed()) {
            c.ws.close();
          }
        }
      }
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        System.err.println("syntrix-bench: the client Vert.x did not close within 15 s");
      }
    }
  }

  /** One context per client event loop, so connections and their handlers spread over all of them. */
  private List<Context> eventLoopContexts() throws Exception {
    List<Context> contexts = java.util.Collections.synchronizedList(new ArrayList<>());
    vertx.deployVerticle(() -> (Deployable) ctx -> {
      contexts.add(ctx);
      return Future.succeededFuture();
    }, new DeploymentOptions().setInstances(o.clientThreads)).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return List.copyOf(contexts);
  }

  private Report run() throws Exception {
    Report report = new Report();
    int cores = Runtime.getRuntime().availableProcessors();
    Map<String, Object> run = report.section("run");
    run.put("arguments", String.join(" ", RealtimeLoad.arguments));
    run.put("url", baseUri);
    run.put("startedServer", o.startServer);
    run.put("connections", o.connections);
    run.put("subscriptionsPerConnection", o.subscriptions);
    run.put("subscriptions", o.connections * o.subscriptions);
    run.put("rooms", o.rooms);
    run.put("writesPerSecond", o.writes);
    run.put("durationSeconds", o.duration);
    run.put("warmupSeconds", o.warmup);
    run.put("writers", o.writers);
    run.put("clientEventLoops", o.clientThreads);
    run.put("collection", collection);
    run.put("includeData", true);
    run.put("payloadBytes", o.payloadBytes);
    run.put("seed", seed);
    run.put("phases", o.hostile() ? "A: healthy clients alone, " + o.duration + " s; B: the same beside hostile "
        + "clients, " + o.duration + " s" : "one window of " + o.duration + " s");
    if (o.stalled > 0) {
      run.put("stalledConnections", o.stalled);
      run.put("stalledSubscriptionsEach", o.stalledSubscriptions());
    }
    if (o.resumeStorm) {
      run.put("stormConnections", o.stormConnections);
      run.put("stormBacklog", o.stormBacklog);
      run.put("stormDocBytes", o.stormDocBytes);
    }
    run.put("cores", cores);
    run.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
    run.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));

    signUp();

    // ---- Connections and subscriptions.
    long rssBefore = LocalServer.rssKb(pid);
    SplittableRandom random = new SplittableRandom(seed);
    conns = new Conn[o.connections];
    for (int i = 0; i < o.connections; i++) {
      int[] rooms = new int[o.subscriptions];
      for (int j = 0; j < rooms.length; j++) {
        rooms[j] = random.nextInt(o.rooms);
      }
      conns[i] = new Conn(i, rooms);
    }
    wsClient = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(o.connections + 16).setConnectTimeout(30_000).setTcpNoDelay(true));
    long setupStart = System.nanoTime();
    setUpConnections();
    long setupWall = System.nanoTime() - setupStart;
    List<Conn> ready = new ArrayList<>();
    Map<String, Integer> failures = new TreeMap<>();
    for (Conn c : conns) {
      if (c.isReady()) {
        ready.add(c);
      } else {
        c.abandon();
        failures.merge(c.failure == null ? "not ready within --setup-timeout" : c.failure, 1, Integer::sum);
      }
    }
    Map<String, Object> setup = report.section("setup");
    setup.put("connectionsReady", ready.size());
    setup.put("connectionsFailed", o.connections - ready.size());
    setup.put("failures", new LinkedHashMap<>(failures));
    setup.put("wallMs", setupWall / 1_000_000.0);
    setup.put("connectionsPerSecond", ready.size() / (setupWall / (double) SECOND));
    setup.put("connectMs", latency(ready, c -> c.connectedAt - c.startedAt));
    setup.put("authMs", latency(ready, c -> c.authAt - c.connectedAt));
    setup.put("subscribeMs", latency(ready, c -> c.readyAt - c.authAt));
    setup.put("readyMs", latency(ready, c -> c.readyAt - c.startedAt));
    setup.put("clientEventLoopsUsed", clientThreads.size());
    if (ready.isEmpty()) {
      throw new SetupException("no connection could be set up: " + failures);
    }
    Thread.sleep(1000); // let the server's allocations from the set-up show in RSS
    long rssAfter = LocalServer.rssKb(pid);

    // ---- Ledger: only subscriptions the server acknowledged are expected to receive.
    int[] perRoom = new int[o.rooms];
    for (Conn c : ready) {
      for (int room : c.rooms) {
        perRoom[room]++;
      }
    }
    int maxPerRoom = 0;
    for (int n : perRoom) {
      maxPerRoom = Math.max(maxPerRoom, n);
    }
    int maxWrites = (int) o.plannedWrites() + 1;
    Ledger l = new Ledger(o.rooms, maxWrites, Math.max(1, (long) maxWrites * maxPerRoom));
    for (Conn c : ready) {
      int[] globals = new int[c.rooms.length];
      for (int j = 0; j < globals.length; j++) {
        globals[j] = l.addSubscription(c.rooms[j]);
      }
      c.globals = globals;
    }
    l.freeze();
    ledger = l;
    setup.put("subscriptionsReady", l.subscriptions());
    setup.put("subscriptionsPerRoomMean", l.subscriptions() / (double) o.rooms);
    setup.put("subscriptionsPerRoomMax", maxPerRoom);

    // ---- Writes, open loop.
    int seconds = o.warmup + o.measuredSeconds();
    int timelineLength = seconds + o.grace + o.settleMs / 1000 + 5 + (o.writeTimeoutMs / 1000) + o.stalledDrain + 2;
    offeredPerSecond = new AtomicLongArray(timelineLength);
    ackedPerSecond = new AtomicLongArray(timelineLength);
    deliveredPerSecond = new AtomicLongArray(timelineLength);
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port).setKeepAlive(true)
        .setTcpNoDelay(true).setConnectTimeout(10_000), new PoolOptions().setHttp1MaxSize(o.writers).setMaxWaitQueueSize(-1));
    ScheduledExecutorService refresher = null;
    // Access tokens live 15 minutes: longer runs refresh them and re-authenticate every connection.
    if (seconds + o.grace > o.tokenRefresh) {
      refresher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("token-refresh").unstarted(r));
      refresher.scheduleAtFixedRate(this::refreshAndReauthenticate, o.tokenRefresh, o.tokenRefresh, TimeUnit.SECONDS);
    }
    if (o.hostile()) {
      String tag = collection.startsWith("load_") ? collection.substring(5) : HexFormat.of().formatHex(
          new SecureRandom().generateSeed(4));
      hostile = new HostilePhase(o, host, port, pid, () -> authFrame("auth-init"), this::subscribeFrame,
          "storm_" + tag, timelineLength);
      hostile.prepare(accessToken);
    }
    long start = System.nanoTime() + 200_000_000L;
    writeStart = start;
    windowStart = start + o.warmup * SECOND;
    windowEnd = windowStart + o.measuredSeconds() * SECOND;
    // Phase boundaries: [window start, phase B start, window end], or the window alone.
    long[] bounds = o.hostile() ? new long[] {windowStart, windowStart + o.duration * SECOND, windowEnd}
        : new long[] {windowStart, windowEnd};
    l.phases(bounds);
    // Per bound: server ticks, client ns and machine ticks, read by the writer as the bound falls due.
    long[][] cpu = new long[bounds.length][];
    HostilePhase h = hostile;
    watch = new ServerWatch(pid, h == null ? () -> { } : h::watch, h == null ? null : sync, baseUri);
    watch.start();
    Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
    if (h != null) {
      metrics.put("phaseAStart", ServerWatch.realtimeMetrics(sync, baseUri));
    }
    Thread writer = Thread.ofPlatform().name("load-writer").start(() -> writeLoop(start, bounds, cpu));
    System.err.println("syntrix-bench: writing " + o.writes + "/s: " + o.warmup + " s warm-up, then "
        + (h == null ? o.duration + " s measured" : "phase A " + o.duration + " s (healthy clients alone)"));
    if (h != null) {
      sleepUntil(bounds[1]);
      metrics.put("phaseBStart", ServerWatch.realtimeMetrics(sync, baseUri));
      System.err.println("syntrix-bench: phase B " + o.duration + " s: " + h.describe());
      h.begin(writeStart);
    }
    writer.join();
    if (h != null) {
      metrics.put("phaseBEnd", ServerWatch.realtimeMetrics(sync, baseUri));
      System.err.println("syntrix-bench: phase B over; stopping the hostile clients");
      h.end();
      metrics.put("afterHostileClients", ServerWatch.realtimeMetrics(sync, baseUri));
    }
    long inFlightDeadline = System.nanoTime() + (o.writeTimeoutMs + 5_000L) * 1_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < inFlightDeadline) {
      Thread.sleep(10);
    }
    abandonQueuedWrites();
    long openDeadline = System.nanoTime() + (o.writeTimeoutMs + 1_000L) * 1_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < openDeadline) {
      Thread.sleep(10); // the requests still open end within their timeout
    }
    long writesDone = System.nanoTime();

    // ---- Grace period: the last deliveries, then a quiet period that would show duplicates.
    long graceDeadline = writesDone + o.grace * SECOND;
    while (l.outstanding() > 0 && System.nanoTime() < graceDeadline) {
      Thread.sleep(10);
    }
    long graceWaited = System.nanoTime() - writesDone;
    Thread.sleep(o.settleMs);
    if (refresher != null) {
      refresher.shutdownNow();
    }
    Ledger.Accounting a = l.account(windowStart, windowEnd);
    watch.close();
    long rssEnd = LocalServer.rssKb(pid);
    int open = 0;
    for (Conn c : ready) {
      if (c.ws != null && !c.ws.isClosed() && !c.lost) {
        open++;
      }
    }

    // ---- Report.
    Map<String, Object> srv = report.section("server");
    srv.put("pid", pid > 0 ? pid : "unknown (pass --server-pid or --start-server)");
    srv.put("rssBeforeConnectionsKb", rssBefore);
    srv.put("rssAfterSubscriptionsKb", rssAfter);
    if (rssBefore > 0 && rssAfter > 0) {
      srv.put("rssPerConnectionKb", (rssAfter - rssBefore) / (double) ready.size());
      srv.put("rssPerSubscriptionKb", (rssAfter - rssBefore) / (double) l.subscriptions());
    }
    srv.put("rssEndKb", rssEnd);
    putCpu(srv, cpu[0], cpu[cpu.length - 1], o.measuredSeconds(), "cpuCores", "InWindow");
    srv.put("loadAverageAtEnd", loadAverage());
    if (server != null) {
      srv.put("alive", server.alive());
      srv.put("log", server.log().toString());
    }

    Map<String, Object> w = report.section("writes");
    w.put("planned", o.plannedWrites());
    w.put("sent", sent.sum());
    w.put("droppedBacklog", droppedBacklog.sum());
    w.put("droppedLedgerFull", ledgerFull.sum());
    w.put("acked", a.acked());
    w.put("failed", a.failed());
    w.put("unresolved", a.pending());
    w.put("inFlightAtEnd", inFlight.get());
    w.put("errors", counts(writeErrors));
    w.put("offeredPerSecondInWindow", dueInWindow.sum() / (double) o.measuredSeconds());
    w.put("sentPerSecondInWindow", sentInWindow.sum() / (double) o.measuredSeconds());
    w.put("ackedPerSecondInWindow", ackedInWindow.sum() / (double) o.measuredSeconds());
    w.put("sendToAckMs", Report.Latency.of(a.sendToAck()));
    w.put("issueLagMs", Report.Latency.of(issueLag.getIntervalHistogram()));

    Map<String, Object> d = report.section("delivery");
    d.put("expected", a.expected());
    d.put("received", a.received());
    d.put("deliveredOnce", a.delivered());
    d.put("missing", a.missing());
    d.put("duplicated", a.duplicated());
    d.put("unexpected", a.unexpected());
    Map<String, Object> why = new LinkedHashMap<>();
    why.put("wrongRoom", a.unexpectedWrongRoom());
    why.put("unknownId", a.unexpectedUnknownWrite());
    why.put("unknownSubscription", a.unexpectedUnknownSubscription());
    why.put("unacknowledgedWrite", a.unexpectedUnackedWrite());
    why.put("nonCreateEvents", nonCreateEvents.sum());
    d.put("unexpectedBreakdown", why);
    d.put("writesWithMissingDeliveries", a.writesMissingSomewhere());
    d.put("deliveredPerSecondInWindow", eventsInWindow.sum() / (double) o.measuredSeconds());
    d.put("ackToReceiptMs", Report.Latency.of(a.ackToReceipt()));
    d.put("ackToReceiptNegative", a.negativeAckToReceipt());
    d.put("ackToReceiptMostNegativeMs", a.mostNegativeAckToReceiptMicros() / 1000.0);
    d.put("sendToReceiptMs", Report.Latency.of(a.sendToReceipt()));
    d.put("graceWaitedMs", graceWaited / 1_000_000.0);

    Map<String, Object> cn = report.section("connections");
    cn.put("openAtEnd", open);
    cn.put("closedUnexpectedly", unexpectedCloses.sum());
    cn.put("errorFrames", counts(errorFrames));
    if (!errorFrameSamples.isEmpty()) {
      cn.put("errorFrameSamples", new TreeMap<>(errorFrameSamples));
    }
    cn.put("heartbeats", heartbeats.sum());
    cn.put("snapshots", snapshots.sum());
    cn.put("otherFrames", otherFrames.sum());
    cn.put("tokenRefreshes", refreshes.sum());
    cn.put("reauthenticated", reauthAcks.sum());

    phaseTable(report, a, bounds, cpu);
    if (h != null) {
      Report.Table m = report.table("serverMetrics");
      metrics.forEach((moment, values) -> m.column(moment).putAll(values.isEmpty()
          ? Map.of("syntrix_realtime_*", "unavailable") : values));
    }

    Map<String, Object> t = report.section("timeline");
    t.put("offeredPerSecond", list(offeredPerSecond));
    t.put("ackedPerSecond", list(ackedPerSecond));
    t.put("deliveredPerSecond", list(deliveredPerSecond));
    if (pid > 0) {
      t.put("serverRssKb", watch.maxPerSecond(writeStart, timelineLength));
    }
    if (h != null) {
      t.put("serverSlowConsumers", watch.metricPerSecond("syntrix_realtime_slow_consumers", writeStart, timelineLength));
      h.report(report, watch, t);
    }

    List<String> problems = new ArrayList<>();
    if (o.connections - ready.size() > 0) {
      problems.add((o.connections - ready.size()) + " connections not set up");
    }
    if (a.missing() > 0) {
      problems.add(a.missing() + " deliveries missing (" + a.writesMissingSomewhere() + " writes)");
    }
    if (a.duplicated() > 0) {
      problems.add(a.duplicated() + " duplicate deliveries");
    }
    if (a.unexpected() > 0) {
      problems.add(a.unexpected() + " unexpected deliveries");
    }
    if (nonCreateEvents.sum() > 0) {
      problems.add(nonCreateEvents.sum() + " events that are not creates");
    }
    long writeProblems = a.failed() + a.pending() + droppedBacklog.sum() + ledgerFull.sum();
    if (writeProblems > 0) {
      problems.add(writeProblems + " writes not acknowledged (failed, unresolved or not sent)");
    }
    if (unexpectedCloses.sum() > 0 || !errorFrames.isEmpty()) {
      problems.add(unexpectedCloses.sum() + " connections closed, error frames " + counts(errorFrames));
    }
    Map<String, Object> v = report.section("verdict");
    v.put("exactlyOnce", a.exactlyOnce() && nonCreateEvents.sum() == 0);
    if (h != null) {
      v.put("exactlyOncePhaseA", a.phases().get(0).exactlyOnce());
      v.put("exactlyOncePhaseB", a.phases().get(1).exactlyOnce());
    }
    v.put("healthy", problems.isEmpty());
    v.put("problems", problems.isEmpty() ? "none" : String.join("; ", problems));
    return report;
  }

  /**
   * The healthy clients per phase, side by side: exactly-once counts and latencies of the writes
   * due in the phase, and the delivery rate, lost connections, CPU and server RSS in it.
   */
  private void phaseTable(Report report, Ledger.Accounting a, long[] bounds, long[][] cpu) {
    Report.Table table = report.table("phases");
    for (int i = 0; i < a.phases().size(); i++) {
      Ledger.Phase p = a.phases().get(i);
      Map<String, Object> c = table.column(hostile == null ? "window" : i == 0 ? "phaseA" : "phaseB");
      c.put("clients", i == 0 ? "healthy only" : hostile.describe());
      c.put("seconds", o.duration);
      c.put("writes", p.writes());
      c.put("acked", p.acked());
      c.put("expected", p.expected());
      c.put("deliveredOnce", p.delivered());
      c.put("missing", p.missing());
      c.put("duplicated", p.duplicated());
      c.put("unexpected", p.unexpected());
      c.put("exactlyOnce", p.exactlyOnce());
      c.put("ackToReceiptMs", Report.Latency.of(p.ackToReceipt()));
      c.put("sendToReceiptMs", Report.Latency.of(p.sendToReceipt()));
      c.put("sendToAckMs", Report.Latency.of(p.sendToAck()));
      c.put("ackToReceiptNegative", p.negativeAckToReceipt());
      c.put("deliveredPerSecond", eventsByPhase.get(i) / (double) o.duration);
      c.put("connectionsLost", lostByPhase.get(i));
      c.put("errorFrames", errorsByPhase.get(i));
      putCpu(c, cpu[i], cpu[i + 1], o.duration, "serverCpuCores", "");
      ServerWatch.Span rss = watch.span(bounds[i], bounds[i + 1]);
      c.put("serverRssStartKb", rss.startKb());
      c.put("serverRssMaxKb", rss.maxKb());
      c.put("serverRssEndKb", rss.endKb());
    }
  }

  /** CPU in cores between two readings {server ticks, client ns, machine ticks}; absent readings are left out. */
  private void putCpu(Map<String, Object> out, long[] from, long[] to, int seconds, String serverKey, String suffix) {
    if (from == null || to == null) {
      return;
    }
    double server = (to[0] - from[0]) / LocalServer.TICKS_PER_SECOND / seconds;
    boolean serverKnown = from[0] >= 0 && to[0] >= 0 && pid > 0;
    if (serverKnown) {
      out.put(serverKey + suffix, server);
    }
    double clientCores = (to[1] - from[1]) / (double) SECOND / seconds;
    out.put("clientCpuCores" + suffix, clientCores);
    if (from[2] >= 0 && to[2] >= 0) {
      double machine = (to[2] - from[2]) / LocalServer.TICKS_PER_SECOND / seconds;
      out.put("machineCpuCoresBusy" + suffix, machine);
      if (serverKnown) {
        // Anything else running here (another benchmark, a build) skews every figure: say so.
        out.put("otherProcessesCpuCores" + suffix, Math.max(0, machine - clientCores - server));
      }
    }
  }

  private static long[] cpuNow(long pid) {
    return new long[] {LocalServer.cpuTicks(pid), processCpuNanos(), LocalServer.machineBusyTicks()};
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    long now;
    while ((now = System.nanoTime()) < deadline) {
      Thread.sleep(Math.max(1, Math.min(1000, (deadline - now) / 1_000_000)));
    }
  }

  // ---------------------------------------------------------------- auth

  private void signUp() throws SetupException {
    String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    String body = "{\"username\":\"load-" + tag + "\",\"password\":\"Load-" + tag + "-Pw1!\"}";
    Map<String, String> tokens = postJson("/auth/v1/signup", body);
    accessToken = tokens.get("access_token");
    refreshToken = tokens.get("refresh_token");
    if (accessToken == null || refreshToken == null) {
      throw new SetupException("sign-up answered without tokens");
    }
  }

  private void refreshAndReauthenticate() {
    try {
      Map<String, String> tokens = postJson("/auth/v1/refresh", "{\"refresh_token\":\"" + refreshToken + "\"}");
      if (tokens.get("access_token") == null) {
        throw new SetupException("refresh answered without tokens");
      }
      accessToken = tokens.get("access_token");
      refreshToken = tokens.get("refresh_token");
      refreshes.increment();
      for (Conn c : conns) {
        if (c.isReady() && c.ws != null && !c.ws.isClosed()) {
          c.ws.writeTextMessage(authFrame("auth-refresh"));
        }
      }
    } catch (Exception e) {
      System.err.println("syntrix-bench: token refresh failed: " + e.getMessage());
    }
  }

  private Map<String, String> postJson(String path, String body) throws SetupException {
    HttpResponse<String> response;
    try {
      response = sync.send(HttpRequest.newBuilder(URI.create(baseUri + path)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SetupException("POST " + baseUri + path + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SetupException("interrupted");
    }
    if (response.statusCode() / 100 != 2) {
      throw new SetupException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(response.body())) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          if (t.isScalarValue()) {
            out.put(name, p.getText());
          } else {
            p.skipChildren();
          }
        }
      }
    } catch (IOException e) {
      throw new SetupException("POST " + path + " answered unparsable JSON: " + response.body());
    }
    return out;
  }

  private String authFrame(String id) {
    return "{\"id\":\"" + id + "\",\"type\":\"auth\",\"payload\":{\"token\":\"" + accessToken
        + "\",\"database\":\"default\"}}";
  }

  // ---------------------------------------------------------------- connections

  private void setUpConnections() throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= conns.length || closing) {
        return;
      }
      conns[i].open().onComplete(ar -> {
        if (finished.incrementAndGet() == conns.length) {
          all.complete(null);
        }
        launch[0].run();
      });
    };
    contexts = eventLoopContexts();
    for (int k = 0; k < Math.min(o.connectConcurrency, conns.length); k++) {
      contexts.get(k % contexts.size()).runOnContext(v -> launch[0].run());
    }
    try {
      all.get(o.setupTimeout, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      closing = true; // stop launching; the unfinished ones are abandoned by the caller
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private String subscribeFrame(int local, int room) {
    return "{\"id\":\"s" + local + "\",\"type\":\"subscribe\",\"payload\":{\"query\":{\"collection\":\"" + collection
        + "\",\"filters\":[{\"field\":\"room\",\"op\":\"==\",\"value\":\"r" + room
        + "\"}]},\"includeData\":true,\"sendSnapshot\":false}}";
  }

  /** One WebSocket connection; its handlers run on its event loop. */
  private final class Conn {
    final int index;
    final int[] rooms;
    /** Global subscription index per local subscription; set once the ledger is built. */
    volatile int[] globals;
    volatile WebSocket ws;
    volatile String failure;
    volatile boolean abandoned;
    volatile boolean lost;
    private final Promise<Void> ready = Promise.promise();
    private int subscribeAcks;
    long startedAt;
    long connectedAt;
    long authAt;
    long readyAt;

    Conn(int index, int[] rooms) {
      this.index = index;
      this.rooms = rooms;
    }

    boolean isReady() {
      return ready.future().succeeded() && !abandoned;
    }

    Future<Void> open() {
      startedAt = System.nanoTime();
      wsClient.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/realtime/ws")
          .setTimeout(30_000)).onComplete(ar -> {
            if (ar.failed()) {
              fail("connect: " + ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage());
              return;
            }
            WebSocket socket = ar.result();
            ws = socket;
            connectedAt = System.nanoTime();
            if (abandoned) {
              socket.close();
              return;
            }
            socket.textMessageHandler(this::onText);
            socket.exceptionHandler(e -> { });
            socket.closeHandler(v -> onClose());
            socket.writeTextMessage(authFrame("auth-init"));
          });
      return ready.future();
    }

    private void fail(String why) {
      if (ready.tryFail(why)) {
        failure = why;
      }
    }

    void abandon() {
      abandoned = true;
      fail("not ready within --setup-timeout");
      WebSocket socket = ws;
      if (socket != null && !socket.isClosed()) {
        socket.close();
      }
    }

    private void onClose() {
      if (!ready.future().isComplete()) {
        fail("closed during set-up");
      } else if (!closing && !abandoned && isReady()) {
        lost = true;
        unexpectedCloses.increment();
        byPhase(lostByPhase, System.nanoTime());
      }
    }

    private void onText(String text) {
      long now = System.nanoTime();
      if (abandoned) {
        return;
      }
      Frame f = Frame.read(text);
      switch (f.type()) {
        case "event" -> onEvent(f, now);
        case "heartbeat" -> heartbeats.increment();
        case "auth_ack" -> {
          if ("auth-init".equals(f.id()) && authAt == 0) {
            authAt = now;
            clientThreads.put(Thread.currentThread().getName(), true);
            for (int j = 0; j < rooms.length; j++) {
              ws.writeTextMessage(subscribeFrame(j, rooms[j]));
            }
          } else {
            reauthAcks.increment();
          }
        }
        case "subscribe_ack" -> {
          if (++subscribeAcks == rooms.length) {
            readyAt = now;
            ready.tryComplete();
          }
        }
        case "snapshot" -> snapshots.increment();
        case "error" -> {
          String code = f.code() == null ? "(no code)" : f.code();
          if (!ready.future().isComplete()) {
            fail("error frame " + code + ": " + f.message());
            return;
          }
          errorFrames.computeIfAbsent(code, k -> new LongAdder()).increment();
          errorFrameSamples.putIfAbsent(code, String.valueOf(f.message()));
          byPhase(errorsByPhase, now);
        }
        default -> otherFrames.increment();
      }
    }

    private void onEvent(Frame f, long now) {
      events.increment();
      if (now >= windowStart && now < windowEnd) {
        eventsInWindow.increment();
      }
      bump(deliveredPerSecond, now);
      byPhase(eventsByPhase, now);
      Ledger l = ledger;
      int[] g = globals;
      if (l == null || g == null) {
        otherFrames.increment(); // an event before any write: cannot be ours
        return;
      }
      if (!"create".equals(f.deltaType())) {
        nonCreateEvents.increment();
        l.receivedUnknown(now);
        return;
      }
      int local = Frame.subscriptionIndex(f.subId());
      int w = Frame.writeIndex(f.deltaId(), collection);
      if (w < 0) {
        l.receivedUnknown(now);
      } else {
        l.received(local >= 0 && local < g.length ? g[local] : -1, w, now);
      }
    }
  }

  // ---------------------------------------------------------------- writes

  /** Writes on schedule; reads the CPU counters as each phase bound falls due and after the last one. */
  private void writeLoop(long start, long[] bounds, long[][] cpu) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    long total = o.plannedWrites();
    double interval = SECOND / (double) o.writes;
    String path = "/api/v1/databases/default/documents/" + collection;
    String pad = o.payloadBytes > 0 ? ",\"pad\":\"" + "x".repeat(o.payloadBytes) + "\"" : "";
    int nextBound = 0;
    for (long i = 0; i < total; i++) {
      long due = start + Math.round(i * interval);
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      while (nextBound < bounds.length - 1 && due >= bounds[nextBound]) {
        cpu[nextBound++] = cpuNow(pid);
      }
      bump(offeredPerSecond, due);
      boolean inWindow = due >= windowStart && due < windowEnd;
      if (inWindow) {
        dueInWindow.increment();
        issueLag.recordValue(Math.min(Ledger.MAX_MICROS, (now - due) / 1000));
      }
      if (inFlight.get() >= o.maxInFlight) {
        droppedBacklog.increment();
        continue;
      }
      int room = random.nextInt(o.rooms);
      int w = ledger.newWrite(room, due);
      if (w < 0) {
        ledgerFull.increment();
        continue;
      }
      if (inWindow) {
        sentInWindow.increment();
      }
      String body = "{\"id\":\"w" + w + "\",\"room\":\"r" + room + "\",\"n\":" + w + ",\"sentAt\":"
          + System.currentTimeMillis() + pad + "}";
      inFlight.incrementAndGet();
      pendingWrites.add(new PendingWrite(w, path, body));
      pumpWrites();
    }
    long end = Math.max(windowEnd, System.nanoTime());
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(end - System.nanoTime());
    }
    while (nextBound < bounds.length - 1) {
      cpu[nextBound++] = cpuNow(pid); // bounds with no write due after them
    }
    cpu[bounds.length - 1] = cpuNow(pid);
  }

  private record PendingWrite(int w, String path, String body) {}

  /** Sends queued writes while fewer than {@code --writers} requests are open. Any thread. */
  private void pumpWrites() {
    while (!pendingWrites.isEmpty()) {
      int open = openRequests.get();
      if (open >= o.writers) {
        return; // the completion of an open request pumps again
      }
      if (!openRequests.compareAndSet(open, open + 1)) {
        continue;
      }
      PendingWrite p = pendingWrites.poll();
      if (p == null) {
        openRequests.decrementAndGet();
        continue;
      }
      contexts.get(p.w() % contexts.size()).runOnContext(v -> send(p.w(), p.path(), p.body()));
    }
  }

  /** At the end: writes still queued are not sent; they count as failed. */
  private void abandonQueuedWrites() {
    PendingWrite p;
    while ((p = pendingWrites.poll()) != null) {
      ledger.failed(p.w());
      inFlight.decrementAndGet();
      writeErrors.computeIfAbsent("not sent: still queued for a connection at the end", k -> new LongAdder())
          .increment();
    }
  }

  private void send(int w, String path, String body) {
    sent.increment();
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .setTimeout(o.writeTimeoutMs) // no per-request connect timeout: in Vert.x 5.0.7 its firing while a pooled
        // connection is handed over throws "Promise already completed" and the request never completes
        .putHeader("Authorization", "Bearer " + accessToken).putHeader("Content-Type", "application/json");
    http.request(request)
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> {
          long at = System.nanoTime();
          int status = resp.statusCode();
          return resp.body().map(b -> new long[] {status, at});
        })
        .onComplete(ar -> {
          inFlight.decrementAndGet();
          openRequests.decrementAndGet();
          pumpWrites();
          if (ar.succeeded() && ar.result()[0] == 201) {
            long at = ar.result()[1];
            ledger.acked(w, at);
            bump(ackedPerSecond, at);
            if (at >= windowStart && at < windowEnd) {
              ackedInWindow.increment();
            }
          } else {
            ledger.failed(w);
            String kind = ar.succeeded() ? "http " + ar.result()[0]
                : ar.cause().getClass().getSimpleName() + ": " + truncate(ar.cause().getMessage());
            writeErrors.computeIfAbsent(kind, k -> new LongAdder()).increment();
          }
        });
  }

  // ---------------------------------------------------------------- helpers

  private void bump(AtomicLongArray perSecond, long at) {
    if (perSecond == null || at < writeStart) {
      return;
    }
    long s = (at - writeStart) / SECOND;
    perSecond.incrementAndGet((int) Math.min(s, perSecond.length() - 1));
  }

  private void byPhase(AtomicLongArray counts, long at) {
    Ledger l = ledger;
    int phase = l == null ? -1 : l.phaseOf(at);
    if (phase >= 0 && phase < counts.length()) {
      counts.incrementAndGet(phase);
    }
  }

  private static List<Long> list(AtomicLongArray a) {
    int last = a.length() - 1;
    while (last > 0 && a.get(last) == 0) {
      last--;
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i <= last; i++) {
      out.add(a.get(i));
    }
    return out;
  }

  private static Map<String, Object> counts(Map<String, LongAdder> m) {
    Map<String, Object> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static String truncate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  private static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private interface Span {
    long nanos(Conn c);
  }

  private static Report.Latency latency(List<Conn> conns, Span span) {
    Histogram h = new Histogram(Ledger.MAX_MICROS, 3);
    for (Conn c : conns) {
      h.recordValue(Math.max(0, Math.min(Ledger.MAX_MICROS, span.nanos(c) / 1000)));
    }
    return Report.Latency.of(h);
  }
}
