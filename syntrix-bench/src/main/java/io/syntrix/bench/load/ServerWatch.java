package io.syntrix.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the server while a run writes: its RSS every 250 ms (kept for the whole run; a run is
 * bounded to a few hours, so at most some 10^5 samples), and whatever else must look every so
 * often (the stalled clients' socket table). With hostile clients it also reads the server's own
 * realtime gauges from {@code /metrics} once a second, in both phases alike, so the small cost of
 * the scrape (a few KiB, about 15 ms of one core) weighs on A as on B. Samples are taken on one
 * two named daemon threads.
 */
final class ServerWatch implements AutoCloseable {
  static final long PERIOD_MS = 250;

  private final long pid;
  private final Runnable alsoEachSample;
  // Two threads: a slow /metrics answer must not delay the RSS and socket-table samples.
  private final ScheduledExecutorService thread = Executors.newScheduledThreadPool(2,
      r -> Thread.ofPlatform().daemon().name("server-watch").unstarted(r));
  private final List<long[]> samples = new ArrayList<>(); // {nanoTime, rssKb}; guarded by this
  private final HttpClient http;
  private final String baseUri;
  private final List<Map.Entry<Long, Map<String, Object>>> metrics = new ArrayList<>(); // guarded by this

  /** RSS at the start of a span, its maximum and the last sample in it (KiB, -1 when unknown). */
  record Span(long startKb, long maxKb, long endKb) {}

  /** {@code http} null: no {@code /metrics} sampling. */
  ServerWatch(long pid, Runnable alsoEachSample, HttpClient http, String baseUri) {
    this.pid = pid;
    this.alsoEachSample = alsoEachSample;
    this.http = http;
    this.baseUri = baseUri;
  }

  void start() {
    thread.scheduleAtFixedRate(this::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    if (http != null) {
      thread.scheduleAtFixedRate(this::scrape, 0, 1, TimeUnit.SECONDS);
    }
  }

  private void scrape() {
    long at = System.nanoTime();
    Map<String, Object> values = realtimeMetrics(http, baseUri);
    synchronized (this) {
      metrics.add(Map.entry(at, values));
    }
  }

  /** The last value of a {@code /metrics} sample in each second since {@code origin} (-1 when none). */
  synchronized List<Long> metricPerSecond(String name, long origin, int seconds) {
    long[] out = new long[seconds];
    java.util.Arrays.fill(out, -1);
    for (Map.Entry<Long, Map<String, Object>> m : metrics) {
      long second = (m.getKey() - origin) / 1_000_000_000L;
      if (m.getKey() >= origin && second < seconds && m.getValue().get(name) instanceof Number n) {
        out[(int) second] = n.longValue();
      }
    }
    return trimmed(out);
  }

  /** Times (ns) at which a {@code /metrics} counter was seen to have risen, once per unit it rose by. */
  synchronized List<Long> risesOf(String name, long from, long to) {
    List<Long> out = new ArrayList<>();
    long previous = -1;
    for (Map.Entry<Long, Map<String, Object>> m : metrics) {
      if (!(m.getValue().get(name) instanceof Number n)) {
        continue;
      }
      long v = n.longValue();
      if (previous >= 0 && v > previous && m.getKey() >= from && m.getKey() < to) {
        for (long k = previous; k < v; k++) {
          out.add(m.getKey());
        }
      }
      previous = v;
    }
    return out;
  }

  private void sample() {
    try {
      long rss = LocalServer.rssKb(pid);
      synchronized (this) {
        samples.add(new long[] {System.nanoTime(), rss});
      }
      alsoEachSample.run();
    } catch (RuntimeException e) {
      System.err.println("syntrix-bench: server watch: " + e); // a scheduled task that throws stops: never throw
    }
  }

  /** The samples taken in {@code [from, to)}. */
  synchronized Span span(long from, long to) {
    long start = -1, max = -1, end = -1;
    for (long[] s : samples) {
      if (s[0] >= from && s[0] < to && s[1] >= 0) {
        start = start < 0 ? s[1] : start;
        max = Math.max(max, s[1]);
        end = s[1];
      }
    }
    return new Span(start, max, end);
  }

  /** The largest RSS seen in each second since {@code origin}, over {@code seconds} seconds (-1 when none). */
  synchronized List<Long> maxPerSecond(long origin, int seconds) {
    long[] out = new long[seconds];
    java.util.Arrays.fill(out, -1);
    for (long[] s : samples) {
      long second = (s[0] - origin) / 1_000_000_000L;
      if (s[0] >= origin && second < seconds) {
        out[(int) second] = Math.max(out[(int) second], s[1]);
      }
    }
    return trimmed(out);
  }

  private static List<Long> trimmed(long[] values) {
    int last = values.length - 1;
    while (last > 0 && values[last] < 0) {
      last--;
    }
    List<Long> list = new ArrayList<>();
    for (int i = 0; i <= last; i++) {
      list.add(values[i]);
    }
    return list;
  }

  /**
   * The server's {@code syntrix_realtime_*} gauges and counters without labels (connections,
   * subscriptions, slow consumers cut off), by name; empty when {@code /metrics} cannot be read.
   */
  static Map<String, Object> realtimeMetrics(HttpClient http, String baseUri) {
    Map<String, Object> out = new TreeMap<>();
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUri + "/metrics"))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return out;
      }
      r.body().lines().filter(l -> l.startsWith("syntrix_realtime_") && !l.contains("{")).forEach(l -> {
        String[] f = l.split("\\s+");
        if (f.length >= 2) {
          try {
            double v = Double.parseDouble(f[1]);
            out.put(f[0], v == Math.rint(v) ? (Object) (long) v : (Object) v);
          } catch (NumberFormatException e) {
            // not a plain sample
          }
        }
      });
    } catch (IOException e) {
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
