package io.syntrix.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.query.SortLimits;
import io.syntrix.store.Write;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed responses are bounded, over real sockets: a client that reads a large query or pull
 * body in a trickle, or stops reading, is cut off at the response deadline (set to
 * {@link #DEADLINE_MILLIS} here), the worker and its store iterators are released (the open
 * streams gauge is back to 0), the cut is counted, and the client never sees a complete body.
 * An in-memory sort past its cap is a 400 naming the index it would need.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamedResponseBoundsTest {
  private static final long DEADLINE_MILLIS = 1_500;
  private static final int DOCUMENTS = 1_000;
  private static final int PAD = 16 * 1024; // 1,000 documents of 16 KiB: a 16 MB body, far past any socket buffer
  @TempDir
  static Path dir;
  TestServer server;

  @BeforeAll
  void start() {
    server = new TestServer(dir, Clock.systemUTC(), GatewayOptions.defaults()
        .withRateLimit(GatewayOptions.RateLimit.off()).withResponseDeadlineMillis(DEADLINE_MILLIS)
        .withQuerySort(new SortLimits(50, 1L << 20)));
    String db = server.identity.databases().find("default").orElseThrow().id();
    String pad = "x".repeat(PAD);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = 0; i < DOCUMENTS; i++) {
      writes.add(server.store.writeAsync(new Write.Create(db, DocumentPath.of("big/d" + String.format("%04d", i)),
          MapValue.builder().put("pad", new StringValue(pad)).put("n", io.syntrix.model.IntegerValue.of(i)).build())));
    }
    writes.forEach(CompletableFuture::join);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aTrickleReaderOfAQueryIsCutOffAtTheDeadline() throws Exception {
    String body = "{\"collection\":\"big\"}";
    assertCutOff("POST /api/v1/databases/default/query", body, true);
  }

  @Test
  void aPullThatIsNeverReadIsCutOffAtTheDeadline() throws Exception {
    assertCutOff("GET /replication/v1/databases/default/pull?collection=big&checkpoint=0&limit=1000", null, false);
  }

  @Test
  void aSortPastItsCapIsA400NamingTheIndex() {
    var r = server.post("/api/v1/databases/default/query",
        "{\"collection\":\"big\",\"limit\":60,\"orderBy\":[{\"field\":\"n\",\"direction\":\"desc\"},"
            + "{\"field\":\"pad\",\"direction\":\"asc\"}]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200); // n is unique: every run of [n desc, pad] is one document
    var refused = server.post("/api/v1/databases/default/query",
        "{\"collection\":\"big\",\"filters\":[{\"field\":\"n\",\"op\":\">=\",\"value\":0}],"
            + "\"orderBy\":[{\"field\":\"pad\",\"direction\":\"asc\"},{\"field\":\"n\",\"direction\":\"desc\"}]}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("BAD_REQUEST");
    assertThat(refused.string("message")).contains("more than 50 documents").contains("index on (pad asc, n desc)");
    assertThat(openStreams()).isZero();
  }

  /**
   * Sends one request on a socket with a tiny receive buffer, reads its body at about 5 KB/s
   * ({@code trickle}) or not at all, and checks the server gives up at the deadline.
   */
  private void assertCutOff(String requestLine, String body, boolean trickle) throws Exception {
    double cutBefore = cutByDeadline();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port), 5_000);
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head = requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.token + "\r\n"
          + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\n") + "\r\n";
      long sent = System.nanoTime();
      socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().write(payload);
      socket.getOutputStream().flush();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      Thread reader = trickle ? Thread.ofPlatform().name("trickle-reader").start(() -> trickle(socket, received)) : null;

      long cutAt = awaitCut(cutBefore, sent);
      assertThat(cutAt - sent).as("cut off within the deadline and some scheduling slack")
          .isBetween(DEADLINE_MILLIS * 1_000_000 - 50_000_000, (DEADLINE_MILLIS + 3_000) * 1_000_000);
      assertThat(openStreams()).as("the worker and its iterators are released").isZero();
      if (reader != null) {
        reader.join(10_000);
      }
      byte[] all = readToEnd(socket.getInputStream(), received);
      String text = new String(all, StandardCharsets.ISO_8859_1);
      assertThat(text).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked");
      assertThat(all.length).as("far less than the whole body").isLessThan(DOCUMENTS * PAD / 2);
      assertThat(text).as("never the terminating chunk").doesNotEndWith("0\r\n\r\n");
    }
    var after = server.post("/api/v1/databases/default/query", "{\"collection\":\"big\",\"limit\":2}");
    assertThat(after.status()).as("the server still answers").isEqualTo(200);
  }

  /** Reads 512 bytes every 100 ms until the server closes the connection. */
  private static void trickle(Socket socket, ByteArrayOutputStream into) {
    byte[] chunk = new byte[512];
    try {
      InputStream in = socket.getInputStream();
      while (true) {
        int n = in.read(chunk);
        if (n < 0) {
          return;
        }
        synchronized (into) {
          into.write(chunk, 0, n);
        }
        Thread.sleep(100);
      }
    } catch (IOException e) {
      // a reset connection ends the trickle too
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the client had, plus whatever is left in its buffers once the server closed the connection. */
  private static byte[] readToEnd(InputStream in, ByteArrayOutputStream received) {
    synchronized (received) {
      byte[] chunk = new byte[64 * 1024];
      try {
        for (int n; (n = in.read(chunk)) >= 0; ) {
          received.write(chunk, 0, n);
        }
      } catch (IOException e) {
        // reset: the server closed without finishing, as it should
      }
      return received.toByteArray();
    }
  }

  /** Polls the metrics until one more response was cut at its deadline; returns when (nanoTime). */
  private long awaitCut(double before, long sent) throws InterruptedException {
    long giveUp = sent + (DEADLINE_MILLIS + 10_000) * 1_000_000;
    while (System.nanoTime() < giveUp) {
      if (cutByDeadline() > before) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no response was cut off at its deadline; metrics:\n" + server.get("/metrics").body());
  }

  private double openStreams() {
    return metric("syntrix_http_streams_open ");
  }

  private double cutByDeadline() {
    return metric("syntrix_http_streams_cut_total{reason=\"deadline\"} ");
  }

  private double metric(String prefix) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "(\\S+)$").matcher(server.get("/metrics").body());
    assertThat(m.find()).as("metric " + prefix).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
