package io.syntrix.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The hostile clients of phase B ({@code --stalled}, {@code --resume-storm}) and what is watched
 * while they run. The healthy clients are measured by {@link LoadRun} as in any run; this class
 * adds careless clients beside them for phase B only and reports on them: the stalled
 * connections ({@link StalledClients}), the resume storm ({@link ResumeStorm}), and the server's
 * RSS before, while and after the stall.
 *
 * <p>Order: {@link #prepare} before phase A (the storm's backlog), {@link #begin} when phase B
 * starts, {@link #end} when it ends, {@link #report} after the accounting; {@link #watch} on the
 * server-watch thread in between. {@link #close} at the very end, whatever happened.
 */
final class HostilePhase implements AutoCloseable {
  private final RealtimeLoad o;
  private final long pid;
  private final StalledClients stalled;
  private final ResumeStorm storm;
  private volatile long origin = Long.MAX_VALUE;
  private final AtomicLongArray queuedKb;
  private final AtomicLongArray closedByServer;
  private final AtomicLongArray stormReceived;
  private long rssBeforeStall = -1;
  private long rssAtEnd = -1;
  private long rssAfterClose = -1;
  private volatile long began;
  private volatile long ended;
  private boolean stormSkipped;

  HostilePhase(RealtimeLoad o, String host, int port, long pid, Supplier<String> authFrame,
               BiFunction<Integer, Integer, String> subscribeFrame, String stormCollection, int timelineSeconds) {
    this.o = o;
    this.pid = pid;
    this.stalled = o.stalled > 0
        ? new StalledClients(host, port, stalledRooms(o.stalled, o.stalledSubscriptions(), o.rooms), authFrame,
            subscribeFrame)
        : null;
    // A reset snapshot page holds up to 1,000 documents: the client must take a message that big.
    int maxMessage = (int) Math.min(512L << 20, 1_000L * (o.stormDocBytes + 512) + (4 << 20));
    this.storm = o.resumeStorm
        ? new ResumeStorm(host, port, stormCollection, o.stormConnections, o.stormTimeout, maxMessage, authFrame)
        : null;
    queuedKb = new AtomicLongArray(timelineSeconds);
    closedByServer = new AtomicLongArray(timelineSeconds);
    stormReceived = new AtomicLongArray(timelineSeconds);
  }

  /** Stalled connection k listens to rooms {@code k*n .. k*n+n-1} (mod R): with n = R, to every room. */
  static int[][] stalledRooms(int connections, int n, int rooms) {
    int[][] out = new int[connections][n];
    for (int k = 0; k < connections; k++) {
      for (int j = 0; j < n; j++) {
        out[k][j] = (int) (((long) k * n + j) % rooms);
      }
    }
    return out;
  }

  /** What phase B adds, for the report. */
  String describe() {
    List<String> parts = new ArrayList<>();
    if (stalled != null) {
      parts.add(o.stalled + " stalled");
    }
    if (storm != null) {
      parts.add("resume storm x" + o.stormConnections);
    }
    return "healthy + " + String.join(" + ", parts);
  }

  /** Before phase A: writes the storm's backlog. */
  void prepare(String token) throws Exception {
    if (storm == null) {
      return;
    }
    System.err.println("syntrix-bench: writing the resume storm's backlog (" + o.stormBacklog + " documents of "
        + o.stormDocBytes + " bytes)...");
    int written = storm.writeBacklog(o.stormBacklog, o.stormDocBytes, token, Math.max(120, o.stormBacklog / 50));
    stormSkipped = written == 0;
  }

  /** Phase B starts: the storm begins, the stalled clients connect, subscribe and stop reading. */
  void begin(long timelineOrigin) throws InterruptedException {
    origin = timelineOrigin;
    began = System.nanoTime();
    rssBeforeStall = LocalServer.rssKb(pid);
    if (storm != null && !stormSkipped) {
      storm.start();
    }
    if (stalled != null) {
      stalled.start(o.setupTimeout);
    }
  }

  /** Phase B ends: the storm stops, the stalled clients are drained and reset. */
  void end() throws InterruptedException {
    ended = System.nanoTime();
    rssAtEnd = LocalServer.rssKb(pid);
    if (storm != null) {
      storm.stop();
    }
    if (stalled != null) {
      stalled.stop(o.stalledDrain);
      Thread.sleep(1000); // what the server frees once they are gone shows in RSS a moment later
      rssAfterClose = LocalServer.rssKb(pid);
    }
  }

  /** Server-watch thread, every sample. */
  void watch() {
    long now = System.nanoTime();
    if (now < origin) {
      return;
    }
    int second = (int) Math.min((now - origin) / 1_000_000_000L, queuedKb.length() - 1);
    if (stalled != null && began > 0 && ended == 0) {
      stalled.watch();
      long q = stalled.queuedBytes();
      if (q >= 0) {
        queuedKb.accumulateAndGet(second, q / 1024, Math::max);
      }
      closedByServer.set(second, stalled.closedByServer());
    }
    if (storm != null) {
      stormReceived.set(second, storm.received());
    }
  }

  /** The stalled and storm sections, and their per-second series in the timeline. */
  void report(Report report, ServerWatch watch, Map<String, Object> timeline) {
    if (stalled != null) {
      Map<String, Object> s = report.section("stalled");
      s.put("roomsEach", o.stalledSubscriptions());
      s.put("eventsOfferedPerSecondEach", (double) o.writes * Math.min(o.stalledSubscriptions(), o.rooms) / o.rooms);
      s.putAll(stalled.figures());
      long since = stalled.firstStalledAt();
      if (storm == null && since > 0) {
        // The server's own count, when nothing else can raise it; its resolution is the 1 s scrape.
        Histogram after = new Histogram(Ledger.MAX_MICROS, 3);
        for (long at : watch.risesOf("syntrix_realtime_slow_consumers", began, Long.MAX_VALUE)) {
          after.recordValue(Math.max(0, Math.min(Ledger.MAX_MICROS, (at - since) / 1000)));
        }
        s.put("serverCountedSlowConsumers", after.getTotalCount());
        s.put("serverCountedThemAfterMs", Report.Latency.of(after));
      }
      ServerWatch.Span during = watch.span(began, ended);
      s.put("serverRssBeforeStallKb", rssBeforeStall);
      s.put("serverRssMaxWhileStalledKb", during.maxKb());
      s.put("serverRssAtEndOfPhaseKb", rssAtEnd);
      s.put("serverRssAfterClosedKb", rssAfterClose);
      timeline.put("stalledKernelQueuedKb", series(queuedKb, false));
      timeline.put("stalledClosedByServer", series(closedByServer, false));
    }
    if (storm != null) {
      Map<String, Object> s = report.section("resumeStorm");
      s.putAll(storm.figures(o.stormBacklog, o.stormDocBytes));
      if (stormSkipped) {
        s.put("skipped", "no backlog document was written");
      }
      timeline.put("stormReceivedPerSecond", series(stormReceived, true));
    }
  }

  /** The series up to its last non-zero second; cumulative values become per-second differences. */
  private static List<Long> series(AtomicLongArray a, boolean cumulative) {
    int last = a.length() - 1;
    while (last > 0 && a.get(last) == 0) {
      last--;
    }
    List<Long> out = new ArrayList<>();
    long previous = 0;
    for (int i = 0; i <= last; i++) {
      long v = a.get(i);
      if (cumulative) {
        v = Math.max(previous, v); // seconds without a sample carry the last value
        out.add(v - previous);
        previous = v;
      } else {
        out.add(v);
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (stalled != null) {
      stalled.resetAll();
    }
    if (storm != null) {
      storm.close();
    }
  }
}
