package io.syntrix.bench.load;

import io.vertx.core.Future;
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
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.HdrHistogram.Recorder;

/**
 * {@code --resume-storm}: K connections that each, over and over, subscribe to a collection with
 * {@code resumeAfter: 0}, read the whole replay (or the reset snapshot that replaces it), then
 * disconnect and start again. The collection holds a backlog of M documents written before the
 * measured phases ({@link #writeBacklog}), so every resume asks the server for M changes at once:
 * catch-up work, which a server should pace by its receiver and keep apart from live delivery.
 *
 * <p><b>When a resume is done.</b> When all M documents have arrived as events, each once (a second
 * copy is counted as a duplicate), or when a reset snapshot (a {@code snapshot} with
 * {@code reset: true}) has arrived complete. A resume ends otherwise when the server cuts it off
 * ({@code slow_consumer} or another error), closes it, when nothing arrives for
 * {@code --storm-timeout} seconds, or at the end of the phase.
 *
 * <p><b>Threads.</b> Its own Vert.x instance (at most 2 event loops), so the storm's frames never
 * queue in front of the healthy clients' on the client side; they still share the machine's CPU,
 * which the report's client CPU per phase shows. Each connection's state is confined to its event
 * loop; counters are thread-safe.
 */
final class ResumeStorm {
  private static final long MS = 1_000_000L;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String host;
  private final int port;
  private final String collection;
  private final int connections;
  private final int timeoutSeconds;
  private final Supplier<String> authFrame;
  private volatile int backlog;
  private volatile boolean stopping;
  private final Resumer[] resumers;

  // Backlog.
  private long backlogNanos;
  private final LongAdder backlogFailed = new LongAdder();

  // Resumes.
  private final LongAdder started = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder completedByReplay = new LongAdder();
  private final LongAdder resets = new LongAdder();
  private final LongAdder slowConsumer = new LongAdder();
  private final LongAdder closedByServer = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder unfinishedAtEnd = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, String> errorSamples = new ConcurrentHashMap<>();
  private final LongAdder events = new LongAdder();
  private final LongAdder snapshotDocuments = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder foreign = new LongAdder();
  private final LongAdder chars = new LongAdder();
  private final Recorder resumeMs = new Recorder(Ledger.MAX_MICROS, 3);
  private final Recorder firstFrameMs = new Recorder(Ledger.MAX_MICROS, 3);
  private long startedAt;
  private long stoppedAt;

  ResumeStorm(String host, int port, String collection, int connections, int timeoutSeconds, int maxMessageBytes,
              Supplier<String> authFrame) {
    this.host = host;
    this.port = port;
    this.collection = collection;
    this.connections = connections;
    this.timeoutSeconds = timeoutSeconds;
    this.authFrame = authFrame;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.min(2, connections)));
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(connections + 4)
        .setConnectTimeout(10_000).setTcpNoDelay(true).setMaxFrameSize(16 * 1024 * 1024)
        .setMaxMessageSize(maxMessageBytes));
    this.resumers = new Resumer[connections];
  }

  /**
   * Writes documents {@code w0 .. w<count-1>} of about {@code docBytes} bytes (a {@code pad} field)
   * into the storm's collection, 64 at a time; returns how many were acknowledged. Blocks.
   */
  int writeBacklog(int count, int docBytes, String token, int timeoutSeconds) throws Exception {
    long began = System.nanoTime();
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
        .setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(16).setMaxWaitQueueSize(-1));
    String pad = "x".repeat(docBytes);
    String path = "/api/v1/databases/default/documents/" + collection;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    java.util.concurrent.CompletableFuture<Void> all = new java.util.concurrent.CompletableFuture<>();
    Runnable[] send = new Runnable[1];
    send[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= count) {
        return;
      }
      String body = "{\"id\":\"w" + i + "\",\"n\":" + i + ",\"pad\":\"" + pad + "\"}";
      http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path).setTimeout(30_000)
              .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json"))
          .compose(req -> req.send(Buffer.buffer(body)))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(ar -> {
            if (ar.succeeded() && ar.result() == 201) {
              ok.incrementAndGet();
            } else {
              backlogFailed.increment();
            }
            if (done.incrementAndGet() == count) {
              all.complete(null);
            }
            send[0].run();
          });
    };
    for (int k = 0; k < Math.min(64, count); k++) {
      vertx.runOnContext(v -> send[0].run());
    }
    try {
      all.get(timeoutSeconds, TimeUnit.SECONDS);
    } finally {
      http.close();
      backlogNanos = System.nanoTime() - began;
    }
    backlog = ok.get();
    return ok.get();
  }

  /** Starts the K connections' loops. */
  void start() {
    startedAt = System.nanoTime();
    for (int i = 0; i < connections; i++) {
      resumers[i] = new Resumer();
      Resumer r = resumers[i];
      r.context.runOnContext(v -> {
        r.next();
        vertx.setPeriodic(1000, id -> r.checkProgress()); // on r's context, like everything of r
      });
    }
  }

  /** Ends the loops: open connections are closed, their resumes counted as unfinished. Waits up to 5 s for the closes. */
  void stop() throws InterruptedException {
    stoppedAt = System.nanoTime();
    stopping = true;
    java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(connections);
    for (Resumer r : resumers) {
      if (r != null) {
        r.context.runOnContext(v -> r.close(closed::countDown));
      } else {
        closed.countDown();
      }
    }
    closed.await(5, TimeUnit.SECONDS);
  }

  /** Closes the storm's Vert.x (and every connection still open). */
  void close() {
    stopping = true;
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("syntrix-bench: the resume storm's Vert.x did not close cleanly: " + e);
    }
  }

  /** Events and snapshot documents received so far (for the per-second timeline). */
  long received() {
    return events.sum() + snapshotDocuments.sum();
  }

  /** One connection's loop of resumes; event loop only. */
  private final class Resumer {
    /** Called off Vert.x threads, this makes a new event-loop context: the resumers spread over the loops. */
    final io.vertx.core.Context context = vertx.getOrCreateContext();
    WebSocket ws;
    BitSet seen;
    int distinct;
    long subscribedAt;
    long lastProgress;
    boolean gotFrame;
    boolean resetSeen;
    boolean finished;
    boolean errored;

    void next() {
      if (stopping) {
        return;
      }
      ws = null;
      seen = new BitSet(backlog);
      distinct = 0;
      gotFrame = false;
      resetSeen = false;
      finished = false;
      errored = false;
      lastProgress = System.nanoTime();
      started.increment();
      client.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/realtime/ws").setTimeout(10_000))
          .onComplete(ar -> {
            if (ar.failed()) {
              connectFailures.increment();
              finished = true;
              vertx.setTimer(100, t -> next());
              return;
            }
            WebSocket socket = ar.result();
            ws = socket;
            if (stopping) {
              socket.close();
              return;
            }
            socket.textMessageHandler(this::onText);
            socket.exceptionHandler(e -> { });
            socket.closeHandler(v -> onClose());
            socket.writeTextMessage(authFrame.get());
          });
    }

    private void onText(String text) {
      long now = System.nanoTime();
      chars.add(text.length());
      lastProgress = now;
      Frame f = Frame.read(text);
      switch (f.type()) {
        case "auth_ack" -> {
          subscribedAt = now;
          ws.writeTextMessage("{\"id\":\"storm\",\"type\":\"subscribe\",\"payload\":{\"query\":{\"collection\":\""
              + collection + "\",\"filters\":[]},\"includeData\":true,\"sendSnapshot\":false,\"resumeAfter\":0}}");
        }
        case "subscribe_ack" -> acked.increment();
        case "event" -> {
          events.increment();
          firstFrame(now);
          int w = Frame.writeIndex(f.deltaId(), collection);
          if (w < 0 || w >= backlog) {
            foreign.increment();
          } else if (seen.get(w)) {
            duplicates.increment();
          } else {
            seen.set(w);
            if (++distinct == backlog && !finished) {
              completedByReplay.increment();
              complete(now);
            }
          }
        }
        case "snapshot" -> {
          firstFrame(now);
          if (f.reset() && !resetSeen) {
            resetSeen = true;
            resets.increment();
          }
          snapshotDocuments.add(Math.max(0, f.documents()));
          if (resetSeen && f.complete() && !finished) {
            complete(now);
          }
        }
        case "error" -> {
          String code = f.code() == null ? "(no code)" : f.code();
          errors.computeIfAbsent(code, k -> new LongAdder()).increment();
          errorSamples.putIfAbsent(code, String.valueOf(f.message()));
          if ("slow_consumer".equals(code)) {
            slowConsumer.increment();
          }
          errored = true;
        }
        default -> { }
      }
    }

    private void firstFrame(long now) {
      if (!gotFrame) {
        gotFrame = true;
        firstFrameMs.recordValue(Math.min(Ledger.MAX_MICROS, (now - subscribedAt) / 1000));
      }
    }

    private void complete(long now) {
      finished = true;
      completed.increment();
      resumeMs.recordValue(Math.min(Ledger.MAX_MICROS, (now - subscribedAt) / 1000));
      ws.close();
    }

    private void onClose() {
      if (!finished) {
        finished = true;
        if (stopping) {
          unfinishedAtEnd.increment();
        } else if (!errored) {
          closedByServer.increment();
        }
      }
      if (!stopping) {
        next();
      }
    }

    /** A resume with nothing arriving for --storm-timeout seconds is given up. */
    void checkProgress() {
      if (!finished && ws != null && System.nanoTime() - lastProgress > timeoutSeconds * 1_000L * MS) {
        finished = true;
        timedOut.increment();
        ws.close();
      }
    }

    void close(Runnable then) {
      WebSocket socket = ws;
      if (socket != null && !socket.isClosed()) {
        socket.close().onComplete(ar -> then.run());
      } else {
        then.run();
      }
    }
  }

  /** The report section. */
  Map<String, Object> figures(int requestedBacklog, int docBytes) {
    double seconds = Math.max(1e-9, ((stoppedAt > 0 ? stoppedAt : System.nanoTime()) - startedAt) / 1e9);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("collection", collection);
    s.put("connections", connections);
    s.put("backlogRequested", requestedBacklog);
    s.put("backlogWritten", backlog);
    s.put("backlogFailed", backlogFailed.sum());
    s.put("backlogDocBytes", docBytes);
    s.put("backlogWriteSeconds", backlogNanos / 1e9);
    s.put("resumesStarted", started.sum());
    s.put("subscribeAcks", acked.sum());
    s.put("resumesCompleted", completed.sum());
    s.put("completedByReplay", completedByReplay.sum());
    s.put("answeredWithResetSnapshot", resets.sum());
    s.put("cutOffSlowConsumer", slowConsumer.sum());
    s.put("errorFrames", counts(errors));
    if (!errorSamples.isEmpty()) {
      s.put("errorFrameSamples", new TreeMap<>(errorSamples));
    }
    s.put("closedByServerWithoutError", closedByServer.sum());
    s.put("timedOut", timedOut.sum());
    s.put("connectFailures", connectFailures.sum());
    s.put("unfinishedAtEndOfPhase", unfinishedAtEnd.sum());
    s.put("resumeMs", Report.Latency.of(resumeMs.getIntervalHistogram()));
    s.put("subscribeToFirstFrameMs", Report.Latency.of(firstFrameMs.getIntervalHistogram()));
    s.put("eventsReceived", events.sum());
    s.put("snapshotDocumentsReceived", snapshotDocuments.sum());
    s.put("duplicateEventsWithinAResume", duplicates.sum());
    s.put("foreignEvents", foreign.sum());
    s.put("eventsPerSecond", events.sum() / seconds);
    s.put("receivedMbPerSecond", chars.sum() / seconds / (1024 * 1024));
    return s;
  }

  private static Map<String, Object> counts(Map<String, LongAdder> m) {
    Map<String, Object> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
