package io.syntrix.bench.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * {@code --stalled N}: connections that authenticate, subscribe like a healthy client (with data),
 * and then never read again, so TCP back-pressure builds up against the server. What a correct
 * server does with them is its business (cut them off with {@code slow_consumer}, or buffer); this
 * class only watches and tells.
 *
 * <p><b>Lifecycle.</b> {@link #start} connects and subscribes all of them and returns once they
 * stall (the last {@code subscribe_ack} read); {@link #watch} is called about every 250 ms while
 * they stall; {@link #stop} reads whatever reached them (bounded in time), then resets every
 * connection; {@link #figures} reports.
 *
 * <p><b>Seeing without reading.</b> A client that reads nothing cannot see an error frame or a
 * close. {@link TcpTable} can: when the server gives a connection up, its end of the socket leaves
 * ESTABLISHED (FIN_WAIT1 while our unread bytes keep its FIN queued, or gone after a reset). That
 * moment is "closed by the server". The frames themselves (a {@code slow_consumer} error, a close
 * frame) are read at {@link #stop}, from what the kernel buffered.
 *
 * <p><b>Threads.</b> Set-up and draining run one virtual thread per connection; {@link #watch} runs
 * on the caller's sampler thread; the rest on the caller's thread.
 */
final class StalledClients {
  private static final long MS = 1_000_000L;
  /** Bytes of each drained message kept to classify it; error frames are far smaller. */
  private static final int KEEP = 4096;

  private final String host;
  private final int port;
  private final Supplier<String> authFrame;
  private final BiFunction<Integer, Integer, String> subscribeFrame;
  private final Client[] clients;
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errorFrames = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> closeFrames = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> drainEndedBy = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> closedAs = new ConcurrentHashMap<>();
  private final LongAdder drainedBytes = new LongAdder();
  private final LongAdder drainedEvents = new LongAdder();
  private final LongAdder eventsBeforeStall = new LongAdder();
  private long setupNanos;
  private long stoppedAt;
  private volatile long queuedBytes = -1;
  private long maxQueuedBytes = -1;
  private long queuedAtStop = -1;
  private boolean tcpTableSeen;

  /** One stalled connection. */
  private static final class Client {
    final int[] rooms;
    volatile RawWebSocket ws;
    /** When it stopped reading (its last subscribe_ack), or 0 when it never got there. */
    volatile long stalledAt;
    /** When the TCP table first showed the server's end closed, or 0. */
    volatile long closedAt;
    boolean slowConsumer;

    Client(int[] rooms) {
      this.rooms = rooms;
    }
  }

  /**
   * @param rooms          the rooms each connection subscribes to, one array per connection
   * @param authFrame      the current {@code auth} frame
   * @param subscribeFrame the subscribe frame of local subscription j to room r: {@code (j, r) -> frame}
   */
  StalledClients(String host, int port, int[][] rooms, Supplier<String> authFrame,
                 BiFunction<Integer, Integer, String> subscribeFrame) {
    this.host = host;
    this.port = port;
    this.authFrame = authFrame;
    this.clients = new Client[rooms.length];
    for (int i = 0; i < rooms.length; i++) {
      clients[i] = new Client(rooms[i].clone());
    }
    this.subscribeFrame = subscribeFrame;
  }

  /** Connects, authenticates and subscribes every connection (64 at a time); returns when all stalled or failed. */
  void start(int timeoutSeconds) throws InterruptedException {
    long began = System.nanoTime();
    Semaphore concurrency = new Semaphore(64);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new ArrayList<>();
      for (Client c : clients) {
        all.add(threads.submit(() -> {
          concurrency.acquire();
          try {
            setUp(c, timeoutSeconds * 1000);
          } finally {
            concurrency.release();
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        try {
          f.get(timeoutSeconds + 5L, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          failure("set-up did not finish: " + e.getClass().getSimpleName());
        }
      }
    }
    setupNanos = System.nanoTime() - began;
  }

  private void setUp(Client c, int timeoutMs) {
    RawWebSocket ws = null;
    try {
      ws = RawWebSocket.open(host, port, "/realtime/ws", Math.min(timeoutMs, 30_000), KEEP);
      ws.sendText(authFrame.get());
      awaitType(ws, "auth_ack", 1);
      for (int j = 0; j < c.rooms.length; j++) {
        ws.sendText(subscribeFrame.apply(j, c.rooms[j]));
      }
      awaitType(ws, "subscribe_ack", c.rooms.length);
      c.ws = ws;
      c.stalledAt = System.nanoTime(); // from here on nothing reads this socket
    } catch (IOException | RuntimeException e) {
      failure(e.getClass().getSimpleName() + ": " + e.getMessage());
      if (ws != null) {
        ws.reset();
      }
    }
  }

  /** Reads until {@code count} frames of {@code type}; events on the way are counted, an error fails. */
  private void awaitType(RawWebSocket ws, String type, int count) throws IOException {
    int seen = 0;
    while (seen < count) {
      RawWebSocket.Message m = ws.read();
      if (m.isClose()) {
        throw new IOException("closed by the server during set-up (" + m.closeCode() + ")");
      }
      Frame f = m.whole() ? Frame.read(m.head()) : null;
      if (f == null || "event".equals(f.type())) {
        eventsBeforeStall.increment();
      } else if (type.equals(f.type())) {
        seen++;
      } else if ("error".equals(f.type())) {
        throw new IOException("error frame during set-up: " + f.code() + " " + f.message());
      }
    }
  }

  private void failure(String why) {
    failures.computeIfAbsent(why.length() > 160 ? why.substring(0, 160) : why, k -> new LongAdder()).increment();
  }

  /** When the first connection stalled (nanoTime), or 0. */
  long firstStalledAt() {
    long first = 0;
    for (Client c : clients) {
      if (c.stalledAt != 0 && (first == 0 || c.stalledAt < first)) {
        first = c.stalledAt;
      }
    }
    return first;
  }

  int stalled() {
    int n = 0;
    for (Client c : clients) {
      n += c.stalledAt > 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * Looks at the kernel's socket table: which stalled connections the server has given up, and how
   * many bytes wait in the two kernels' buffers. Sampler thread, about every 250 ms.
   */
  synchronized void watch() {
    TcpTable table = TcpTable.read(port);
    if (table.isEmpty()) {
      return;
    }
    tcpTableSeen = true;
    long now = System.nanoTime();
    long queued = 0;
    for (Client c : clients) {
      RawWebSocket ws = c.ws;
      if (ws == null || c.closedAt != 0) {
        continue;
      }
      TcpTable.Socket ours = table.socket(ws.localPort(), port);
      TcpTable.Socket theirs = table.socket(port, ws.localPort());
      if (ours != null) {
        queued += ours.rxQueue();
      }
      if (theirs != null) {
        queued += theirs.txQueue();
      }
      if (theirs == null || !theirs.established() || ours == null || !ours.established()) {
        c.closedAt = now;
        closedAs.computeIfAbsent(describe(theirs, ours), k -> new LongAdder()).increment();
      }
    }
    queuedBytes = queued;
    maxQueuedBytes = Math.max(maxQueuedBytes, queued);
  }

  private static String describe(TcpTable.Socket server, TcpTable.Socket client) {
    return "server end " + (server == null ? "gone" : state(server.state())) + ", client end "
        + (client == null ? "gone" : state(client.state()));
  }

  private static String state(int state) {
    return switch (state) {
      case 0x01 -> "ESTABLISHED";
      case 0x04 -> "FIN_WAIT1";
      case 0x05 -> "FIN_WAIT2";
      case 0x06 -> "TIME_WAIT";
      case 0x07 -> "CLOSE";
      case 0x08 -> "CLOSE_WAIT";
      case 0x09 -> "LAST_ACK";
      case 0x0B -> "CLOSING";
      default -> "state " + state;
    };
  }

  /** Bytes in the kernels' buffers on the stalled connections still open, at the last {@link #watch}; -1 unknown. */
  long queuedBytes() {
    return queuedBytes;
  }

  /** Connections the server has given up so far (by the TCP table). */
  int closedByServer() {
    int n = 0;
    for (Client c : clients) {
      n += c.closedAt != 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * Reads what reached each connection, for at most {@code drainSeconds} in all, to find the frames
   * the server sent (a {@code slow_consumer} error, a close); then resets every connection.
   */
  void stop(int drainSeconds) throws InterruptedException {
    watch();
    stoppedAt = System.nanoTime();
    queuedAtStop = queuedBytes;
    long deadline = stoppedAt + drainSeconds * 1_000L * MS;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Client c : clients) {
        if (c.ws != null) {
          threads.submit(() -> drain(c, deadline));
        }
      }
    }
  }

  private void drain(Client c, long deadline) {
    RawWebSocket ws = c.ws;
    String end;
    try {
      ws.timeout(1000);
      while (true) {
        if (System.nanoTime() >= deadline) {
          end = "drain deadline (still sending)";
          break;
        }
        RawWebSocket.Message m = ws.read();
        drainedBytes.add(m.length());
        if (m.isClose()) {
          closeFrames.computeIfAbsent(Integer.toString(m.closeCode()), k -> new LongAdder()).increment();
          end = "close frame";
          break;
        }
        if (m.head().startsWith("{\"type\":\"event\"")) {
          drainedEvents.increment();
        } else if (m.whole()) {
          Frame f = Frame.parse(m.head());
          if ("error".equals(f.type())) {
            String code = f.code() == null ? "(no code)" : f.code();
            errorFrames.computeIfAbsent(code, k -> new LongAdder()).increment();
            c.slowConsumer |= "slow_consumer".equals(code);
          } else if ("event".equals(f.type())) {
            drainedEvents.increment();
          }
        }
      }
    } catch (SocketTimeoutException e) {
      end = "nothing more for 1 s";
    } catch (EOFException e) {
      end = "end of stream";
    } catch (IOException e) {
      end = "connection error: " + e.getClass().getSimpleName();
    }
    drainEndedBy.computeIfAbsent(end, k -> new LongAdder()).increment();
    ws.reset();
  }

  /** Resets every connection still open (the run is ending, perhaps early). Idempotent. */
  void resetAll() {
    for (Client c : clients) {
      if (c.ws != null) {
        c.ws.reset();
      }
    }
  }

  /** The report section. */
  Map<String, Object> figures() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("connections", clients.length);
    s.put("subscriptionsEach", clients.length == 0 ? 0 : clients[0].rooms.length);
    s.put("stalled", stalled());
    s.put("setUpFailures", counts(failures));
    s.put("setUpMs", setupNanos / (double) MS);
    s.put("eventsReadBeforeStalling", eventsBeforeStall.sum());
    Histogram stalledFor = new Histogram(Ledger.MAX_MICROS, 3);
    Histogram closedAfter = new Histogram(Ledger.MAX_MICROS, 3);
    int slow = 0;
    for (Client c : clients) {
      if (c.stalledAt == 0) {
        continue;
      }
      stalledFor.recordValue(Math.max(0, (stoppedAt - c.stalledAt) / 1000));
      if (c.closedAt != 0) {
        closedAfter.recordValue(Math.max(0, (c.closedAt - c.stalledAt) / 1000));
      }
      slow += c.slowConsumer ? 1 : 0;
    }
    s.put("stalledForMs", Report.Latency.of(stalledFor));
    if (!tcpTableSeen) {
      s.put("closedByServer", "unknown (/proc/net/tcp not readable)");
    } else {
      s.put("closedByServer", closedAfter.getTotalCount());
      s.put("closedByServerAfterMs", Report.Latency.of(closedAfter));
      s.put("closedAs", counts(closedAs));
      s.put("stillOpenAtEndOfPhase", stalled() - closedAfter.getTotalCount());
      s.put("kernelQueuedMaxKb", maxQueuedBytes / 1024.0);
      s.put("kernelQueuedAtEndOfPhaseKb", queuedAtStop / 1024.0);
    }
    s.put("gotSlowConsumerError", slow);
    s.put("drainedErrorFrames", counts(errorFrames));
    s.put("drainedCloseFrames", counts(closeFrames));
    s.put("drainedEvents", drainedEvents.sum());
    s.put("drainedKb", drainedBytes.sum() / 1024.0);
    s.put("drainEndedBy", counts(drainEndedBy));
    return s;
  }

  private static Map<String, Object> counts(Map<String, LongAdder> m) {
    Map<String, Object> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
