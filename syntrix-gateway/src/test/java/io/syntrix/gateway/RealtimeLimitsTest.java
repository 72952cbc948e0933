package io.syntrix.gateway;

import static io.syntrix.gateway.WsClient.delta;
import static io.syntrix.gateway.WsClient.payload;
import static io.syntrix.gateway.WsClient.seq;
import static io.syntrix.gateway.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.syntrix.gateway.realtime.RealtimeOptions;
import io.syntrix.gateway.realtime.RealtimeServer;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.store.Write;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of the realtime gateway (D12, issue 9) over real sockets, each pinned to its wire
 * answer: subscriptions per connection, the auth deadline, the inbound message rate, connections
 * per user and per address (WebSocket and SSE), and resumes that are answered with a reset
 * snapshot. Every test ends with the connection and subscription gauges back where they started:
 * whatever refused or ended a connection gave back what it held.
 */
class RealtimeLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private static TestServer server(Path dir, RealtimeOptions realtime) {
    return new TestServer(dir, Clock.systemUTC(),
        GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off()).withRealtime(realtime));
  }

  /** The realtime gauges at the start of a test; {@link #awaitBack} waits for them to return there. */
  private record Baseline(RealtimeServer realtime, int connections, int subscriptions) {
    static Baseline of(TestServer server) {
      RealtimeServer realtime = server.gateway.realtime();
      return new Baseline(realtime, realtime.connections(), realtime.subscriptions());
    }

    void awaitBack() {
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(realtime.connections()).as("open realtime connections").isEqualTo(connections);
        assertThat(realtime.subscriptions()).as("registered subscriptions").isEqualTo(subscriptions);
      });
    }
  }

  private static WsClient authenticated(TestServer server, String token) {
    WsClient ws = WsClient.connect(server.port, true);
    ws.auth(token, "default");
    ws.expect("auth_ack");
    return ws;
  }

  private static String str(MapValue m, String key) {
    return ((StringValue) m.get(key)).value();
  }

  private static String code(MapValue error) {
    return str(payload(error), "code");
  }

  private static String message(MapValue error) {
    return str(payload(error), "message");
  }

  private static String id(MapValue envelope) {
    return envelope.get("id") instanceof StringValue s ? s.value() : null;
  }

  private static String subId(MapValue event) {
    return str(payload(event), "subId");
  }

  private static String dbId(TestServer server) {
    return server.identity.databases().find("default").orElseThrow().id();
  }

  private static void unsubscribe(WsClient ws, String id, String subscription) {
    ws.send("{\"id\":\"" + id + "\",\"type\":\"unsubscribe\",\"payload\":{\"id\":\"" + subscription + "\"}}");
  }

  // ---- subscriptions per connection ----

  @Test
  void theSubscriptionCapRefusesANewIdButAllowsReplacingOneAndFreesASlotOnUnsubscribe() {
    try (TestServer server = server(dir, RealtimeOptions.defaults().withLimits(3, 256, 1024, 50, 10_000))) {
      Baseline baseline = Baseline.of(server);
      String db = dbId(server);
      try (WsClient ws = authenticated(server, server.token)) {
        for (String id : List.of("s1", "s2", "s3")) {
          ws.subscribe(id, "items", null, false, null);
          assertThat(id(ws.expect("subscribe_ack"))).isEqualTo(id);
        }
        ws.subscribe("s4", "items", null, false, null);
        MapValue refused = ws.expect("error");
        assertThat(id(refused)).as("the refusal answers the subscribe").isEqualTo("s4");
        assertThat(code(refused)).isEqualTo("too_many_subscriptions");
        assertThat(message(refused)).contains("3 subscriptions");

        ws.subscribe("s2", "items", null, false, null);
        assertThat(id(ws.expect("subscribe_ack"))).as("replacing an id at the cap").isEqualTo("s2");
        assertThat(server.gateway.realtimeSubscriptions()).isEqualTo(baseline.subscriptions() + 3);

        // One change reaches s1, s2 (once, as replaced) and s3, and not the refused s4. A second
        // change is the barrier: a connection's events come in seq order, so once the second
        // change's events are in, every event of the first one is too.
        long first = server.store.write(new Write.Create(db, DocumentPath.of("items/a"), MapValue.builder().build())).seq();
        long second = server.store.write(new Write.Create(db, DocumentPath.of("items/b"), MapValue.builder().build())).seq();
        Map<Long, List<String>> bySeq = new HashMap<>();
        while (bySeq.getOrDefault(second, List.of()).size() < 3) {
          MapValue event = ws.expect("event");
          bySeq.computeIfAbsent(seq(event), s -> new ArrayList<>()).add(subId(event));
        }
        assertThat(bySeq.get(first)).containsExactlyInAnyOrder("s1", "s2", "s3");
        assertThat(bySeq.get(second)).containsExactlyInAnyOrder("s1", "s2", "s3");

        unsubscribe(ws, "u1", "s1");
        assertThat(id(ws.expect("unsubscribe_ack"))).isEqualTo("u1");
        ws.subscribe("s4", "items", null, false, null);
        assertThat(id(ws.expect("subscribe_ack"))).as("the freed slot is taken").isEqualTo("s4");
        ws.subscribe("s5", "items", null, false, null);
        MapValue again = ws.expect("error");
        assertThat(id(again)).isEqualTo("s5");
        assertThat(code(again)).as("at the cap again").isEqualTo("too_many_subscriptions");
        assertThat(server.gateway.realtimeSubscriptions()).isEqualTo(baseline.subscriptions() + 3);
        assertThat(server.gateway.realtime().metrics().refusals()).containsEntry("too_many_subscriptions", 2L);
      }
      baseline.awaitBack();
    }
  }

  // ---- auth deadline ----

  @Test
  void aSocketThatNeverAuthenticatesIsClosedAtTheDeadlineWhileAnAuthenticatedOneStays() throws Exception {
    RealtimeOptions options = RealtimeOptions.defaults().withLimits(100, 256, 1024, 50, 300).withHeartbeats(100, 15_000);
    try (TestServer server = server(dir, options)) {
      Baseline baseline = Baseline.of(server);
      long connected = System.nanoTime(); // before either socket exists: the deadline counts from the upgrade
      try (WsClient idle = WsClient.connect(server.port, true); WsClient authed = WsClient.connect(server.port, true)) {
        authed.auth(server.token, "default");
        authed.expect("auth_ack");
        idle.send("{\"type\":\"heartbeat\"}"); // client heartbeats are not an auth

        int heartbeatsBefore = 0;
        MapValue timeout;
        while (true) {
          MapValue m = idle.messages.poll(10, TimeUnit.SECONDS);
          assertThat(m).as("a message within 10 s").isNotNull();
          if (!"heartbeat".equals(type(m))) {
            timeout = m;
            break;
          }
          heartbeatsBefore++;
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);
        assertThat(heartbeatsBefore).as("server heartbeats flowed before the deadline").isGreaterThan(0);
        assertThat(type(timeout)).isEqualTo("error");
        assertThat(code(timeout)).isEqualTo("auth_timeout");
        assertThat(message(timeout)).contains("300 ms");
        assertThat(elapsedMillis).as("not before the deadline").isGreaterThanOrEqualTo(300);
        assertThat(idle.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);

        // The authenticated socket outlives the deadline several times over (its heartbeats are the clock).
        int[] heartbeats = {0};
        await().atMost(WAIT).until(() -> {
          MapValue m = authed.messages.poll(100, TimeUnit.MILLISECONDS);
          if (m != null) {
            assertThat(type(m)).as("nothing but heartbeats").isEqualTo("heartbeat");
            heartbeats[0]++;
          }
          return heartbeats[0] >= 10 && TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected) > 1_000;
        });
        assertThat(authed.closed).isNotDone();
        authed.subscribe("s", "notes", null, false, null);
        authed.expect("subscribe_ack");
        assertThat(server.gateway.realtime().metrics().refusals()).containsEntry("auth_timeout", 1L);
      }
      baseline.awaitBack();
    }
  }

  // ---- inbound message rate ----

  @Test
  void aFloodIsPacedNotDroppedWithOneRateLimitedErrorAndOtherConnectionsAreUnaffected() throws Exception {
    int rate = 20; // burst 40: 101 messages (auth + 100) need at least (101 - 40) / 20 s ≈ 3 s
    try (TestServer server = server(dir, RealtimeOptions.defaults().withLimits(100, 256, 1024, rate, 10_000))) {
      Baseline baseline = Baseline.of(server);
      try (WsClient flooder = authenticated(server, server.token); WsClient other = authenticated(server, server.token)) {
        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
          unsubscribe(flooder, "u" + i, "nope" + i);
        }
        long asked = System.nanoTime();
        unsubscribe(other, "x", "nope");
        assertThat(id(other.expect("unsubscribe_ack"))).isEqualTo("x");
        long otherMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
        assertThat(otherMillis).as("another connection is answered at once").isLessThan(1_500);

        List<String> acks = new ArrayList<>();
        List<MapValue> errors = new ArrayList<>();
        while (acks.size() < 100) {
          MapValue m = flooder.next();
          switch (type(m)) {
            case "unsubscribe_ack" -> acks.add(id(m));
            case "error" -> errors.add(m);
            default -> throw new AssertionError("unexpected " + Json.toString(m));
          }
        }
        long floodMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          expected.add("u" + i);
        }
        assertThat(acks).as("every message answered, in order").isEqualTo(expected);
        assertThat(errors).as("one rate_limited error for the whole flood").hasSize(1);
        assertThat(code(errors.get(0))).isEqualTo("rate_limited");
        assertThat(message(errors.get(0))).contains(rate + " messages per second");
        assertThat(floodMillis).as("paced at the rate after the burst").isGreaterThanOrEqualTo(2_500);
        assertThat(otherMillis).as("the other connection was answered while the flood was being paced")
            .isLessThan(floodMillis - 1_000);
        assertThat(flooder.drain(200)).isEmpty();
      }
      baseline.awaitBack();
    }
  }

  // ---- connections per user ----

  @Test
  void aUserOverItsConnectionLimitIsRefusedAtAuthAndClosedAndClaimsComeBack() throws Exception {
    try (TestServer server = server(dir, RealtimeOptions.defaults().withLimits(100, 2, 1024, 50, 10_000))) {
      Baseline baseline = Baseline.of(server);
      String otherUser = server.signup("other", "Other-Password-1");
      WsClient first = authenticated(server, server.token);
      try (WsClient second = authenticated(server, server.token); WsClient third = WsClient.connect(server.port, true);
           WsClient stranger = authenticated(server, otherUser)) {
        third.auth(server.token, "default");
        MapValue refused = third.expect("error");
        assertThat(code(refused)).isEqualTo("too_many_connections");
        assertThat(message(refused)).contains("tester").contains("2 realtime connections").contains("limit per user");
        assertThat(third.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);

        second.subscribe("s", "notes", null, false, null);
        second.expect("subscribe_ack");
        stranger.subscribe("s", "notes", null, false, null);
        stranger.expect("subscribe_ack");

        first.close();
        await().atMost(WAIT).until(() -> server.gateway.realtime().connections() == baseline.connections() + 2);
        try (WsClient fourth = authenticated(server, server.token); WsClient fifth = WsClient.connect(server.port, true)) {
          fourth.subscribe("s", "notes", null, false, null);
          fourth.expect("subscribe_ack");
          fifth.auth(server.token, "default");
          assertThat(code(fifth.expect("error"))).as("the freed claim was taken again").isEqualTo("too_many_connections");
          assertThat(fifth.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        }
      }
      baseline.awaitBack();
    }
  }

  // ---- connections per address ----

  /** A response read off a raw socket: status line, headers (lower-case names), body. */
  private record RawResponse(int status, Map<String, String> headers, String body) {
    MapValue json() {
      return (MapValue) Json.parse(body);
    }
  }

  /** A WebSocket upgrade request written by hand, so the refusal is seen exactly as sent. */
  private static RawResponse rawUpgrade(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String request = "GET /realtime/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String statusLine = line(in);
      Map<String, String> headers = new HashMap<>();
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      String length = headers.get("content-length");
      String body = length == null ? "" : new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
      return new RawResponse(status, headers, body);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed in the middle of the response head");
      }
      if (b != '\r') {
        out.write(b);
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  private static void assertRefusedAs429(RawResponse r, String limit) {
    assertThat(r.status()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().get("content-type")).startsWith("application/json");
    assertThat(str(r.json(), "code")).isEqualTo("TOO_MANY_CONNECTIONS");
    assertThat(str(r.json(), "message")).contains(limit);
  }

  @Test
  void anAddressOverItsConnectionLimitIsRefusedAtTheUpgradeWith429AndClaimsComeBack() throws Exception {
    try (TestServer server = server(dir, RealtimeOptions.defaults().withLimits(100, 256, 2, 50, 10_000))) {
      Baseline baseline = Baseline.of(server);
      WsClient first = WsClient.connect(server.port, true);
      try (WsClient second = WsClient.connect(server.port, true)) {
        assertRefusedAs429(rawUpgrade(server.port), "limit per address");

        Throwable failed = catchThrowable(() -> HttpClient.newHttpClient().newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + server.port + "/realtime/ws"), new WebSocket.Listener() {})
            .join());
        assertThat(failed).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) failed.getCause()).getResponse().statusCode()).isEqualTo(429);

        first.auth(server.token, "default");
        first.expect("auth_ack"); // the admitted ones are unaffected
        first.close();
        await().atMost(WAIT).until(() -> server.gateway.realtime().connections() == baseline.connections() + 1);
        try (WsClient third = authenticated(server, server.token)) {
          third.subscribe("s", "notes", null, false, null);
          third.expect("subscribe_ack");
          assertRefusedAs429(rawUpgrade(server.port), "limit per address"); // refusals took no claim
        }
      }
      baseline.awaitBack();
    }
  }

  // ---- the same limits for SSE ----

  /** An event stream (200) with its lines in a queue, or a refusal with its JSON body. */
  private record Sse(HttpResponse<Stream<String>> response, BlockingQueue<String> lines) implements AutoCloseable {
    String line() throws InterruptedException {
      String l = lines.poll(10, TimeUnit.SECONDS);
      assertThat(l).as("an SSE line within 10 s").isNotNull();
      return l;
    }

    /** The next data line, past the blank lines and comments. */
    String data() throws InterruptedException {
      String l;
      do {
        l = line();
      } while (l.isEmpty() || l.startsWith(":") || l.startsWith("id: "));
      return l;
    }

    MapValue error() {
      return (MapValue) Json.parse(response.body().reduce("", String::concat));
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  private static Sse sse(TestServer server, String token) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port
            + "/realtime/sse?database=default&collection=notes"))
        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).build();
    HttpResponse<Stream<String>> r = server.http.send(request, HttpResponse.BodyHandlers.ofLines());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    if (r.statusCode() == 200) {
      Thread.ofPlatform().daemon().start(() -> {
        try {
          Iterator<String> it = r.body().iterator();
          while (it.hasNext()) {
            lines.add(it.next());
          }
        } catch (UncheckedIOException e) {
          // the test closed the stream
        }
      });
    }
    return new Sse(r, lines);
  }

  private static Sse open(TestServer server, String token) throws Exception {
    Sse s = sse(server, token);
    assertThat(s.response().statusCode()).isEqualTo(200);
    assertThat(s.line()).isEqualTo(": connected");
    return s;
  }

  private static void assertSseRefused(Sse refused, String limit) {
    assertThat(refused.response().statusCode()).isEqualTo(429);
    assertThat(refused.response().headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/json"));
    MapValue body = refused.error();
    assertThat(str(body, "code")).isEqualTo("TOO_MANY_CONNECTIONS");
    assertThat(str(body, "message")).contains(limit);
  }

  @Test
  void sseCountsAgainstTheSameUserLimitAsWebSockets() throws Exception {
    try (TestServer server = server(dir, RealtimeOptions.defaults().withLimits(100, 2, 1024, 50, 10_000))) {
      Baseline baseline = Baseline.of(server);
      String otherUser = server.signup("other", "Other-Password-1");
      try (WsClient ws = authenticated(server, server.token); Sse stream = open(server, server.token)) {
        assertSseRefused(sse(server, server.token), "limit per user");
        try (WsClient third = WsClient.connect(server.port, true)) {
          third.auth(server.token, "default");
          assertThat(code(third.expect("error"))).as("the SSE stream holds a claim").isEqualTo("too_many_connections");
        }
        try (Sse strangers = open(server, otherUser)) {
          server.post(TestServer.docs("default", "notes"), "{\"id\":\"n\"}");
          assertThat(stream.data()).startsWith("data: ").contains("notes/n");
          assertThat(strangers.data()).startsWith("data: ").contains("notes/n");
        }
        stream.close();
        await().atMost(WAIT).until(() -> server.gateway.realtime().connections() == baseline.connections() + 1);
        try (Sse again = open(server, server.token)) {
          assertSseRefused(sse(server, server.token), "limit per user");
        }
      }
      baseline.awaitBack();
    }
  }

  @Test
  void sseCountsAgainstTheSameAddressLimitAsWebSockets() throws Exception {
    try (TestServer server = server(dir, RealtimeOptions.defaults().withLimits(100, 256, 2, 50, 10_000))) {
      Baseline baseline = Baseline.of(server);
      try (Sse first = open(server, server.token); WsClient ws = WsClient.connect(server.port, true)) {
        assertSseRefused(sse(server, server.token), "limit per address");
        assertRefusedAs429(rawUpgrade(server.port), "limit per address");
        first.close();
        await().atMost(WAIT).until(() -> server.gateway.realtime().connections() == baseline.connections() + 1);
        try (Sse second = open(server, server.token)) {
          assertSseRefused(sse(server, server.token), "limit per address");
        }
      }
      baseline.awaitBack();
    }
  }

  // ---- resumes answered with a reset snapshot ----

  private static List<String> documentIds(MapValue snapshot) {
    List<String> ids = new ArrayList<>();
    for (Value d : ((ArrayValue) payload(snapshot).get("documents")).elements()) {
      ids.add(str((MapValue) d, "id"));
    }
    return ids;
  }

  private static long snapshotSeq(MapValue snapshot) {
    return ((IntegerValue) payload(snapshot).get("seq")).value();
  }

  private static long storeSeq(TestServer server) {
    try (ReadSnapshot s = server.store.snapshot()) {
      return s.seq();
    }
  }

  private static long create(TestServer server, String db, String path) {
    return server.store.write(new Write.Create(db, DocumentPath.of(path), MapValue.builder().build())).seq();
  }

  @Test
  void aResumeBeyondTheLastSeqGetsAResetSnapshotThenLiveEventsWithoutAGap() {
    try (TestServer server = server(dir, RealtimeOptions.defaults())) {
      Baseline baseline = Baseline.of(server);
      String db = dbId(server);
      create(server, db, "notes/a");
      create(server, db, "other/x");
      create(server, db, "notes/b");
      try (WsClient ws = authenticated(server, server.token)) {
        long beyond = server.store.changeLog().lastSeq() + 1_000;
        ws.subscribe("s", "notes", null, false, beyond);
        ws.expect("subscribe_ack");
        MapValue snapshot = ws.expect("snapshot");
        assertThat(payload(snapshot).get("reset")).isEqualTo(BooleanValue.TRUE);
        assertThat(documentIds(snapshot)).containsExactly("a", "b");
        assertThat(snapshotSeq(snapshot)).isEqualTo(storeSeq(server));
        long c = create(server, db, "notes/c");
        create(server, db, "other/y");
        long d = create(server, db, "notes/d");
        MapValue first = ws.expect("event");
        assertThat(seq(first)).isEqualTo(c);
        assertThat(str(delta(first), "id")).isEqualTo("notes/c");
        assertThat(seq(ws.expect("event"))).isEqualTo(d);
      }
      baseline.awaitBack();
    }
  }

  @Test
  void aResumeFurtherBackThanMaxResumeChangesGetsAResetSnapshotAndOneWithinItAReplay() {
    try (TestServer server = server(dir, RealtimeOptions.defaults().withMaxResumeChanges(10))) {
      Baseline baseline = Baseline.of(server);
      String db = dbId(server);
      long[] seqs = new long[50];
      for (int i = 0; i < 40; i++) {
        seqs[i] = create(server, db, "notes/n" + (i < 10 ? "0" : "") + i);
      }
      for (int i = 0; i < 10; i++) {
        seqs[40 + i] = server.store.write(new Write.Delete(db, DocumentPath.of("notes/n0" + i), List.of())).seq();
      }
      assertThat(seqs[49] - seqs[38]).as("the 50 writes are consecutive commits").isEqualTo(11);
      await().atMost(WAIT).until(() -> server.streamer.position() == seqs[49]);

      try (WsClient near = authenticated(server, server.token); WsClient far = authenticated(server, server.token)) {
        near.subscribe("s", "notes", null, false, seqs[39]); // exactly maxResumeChanges back: replayed
        near.expect("subscribe_ack");
        for (int i = 0; i < 10; i++) {
          MapValue event = near.expect("event");
          assertThat(seq(event)).isEqualTo(seqs[40 + i]);
          assertThat(str(delta(event), "type")).isEqualTo("delete");
          assertThat(str(delta(event), "id")).isEqualTo("notes/n0" + i);
        }

        far.subscribe("s", "notes", null, false, seqs[38]); // one change more: a reset snapshot instead
        far.expect("subscribe_ack");
        MapValue snapshot = far.expect("snapshot");
        assertThat(payload(snapshot).get("reset")).isEqualTo(BooleanValue.TRUE);
        List<String> live = new ArrayList<>();
        for (int i = 10; i < 40; i++) {
          live.add("n" + i);
        }
        assertThat(documentIds(snapshot)).isEqualTo(live);
        assertThat(snapshotSeq(snapshot)).isEqualTo(seqs[49]);

        long next = create(server, db, "notes/n40");
        for (WsClient ws : List.of(near, far)) {
          MapValue event = ws.expect("event");
          assertThat(seq(event)).as("straight on to live, nothing else in between").isEqualTo(next);
          assertThat(str(delta(event), "id")).isEqualTo("notes/n40");
        }
        assertThat(server.gateway.realtime().metrics().resets()).isEqualTo(1);
      }
      baseline.awaitBack();
    }
  }
}
