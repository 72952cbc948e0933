package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static io.syntrix.gateway.WsClient.delta;
import static io.syntrix.gateway.WsClient.payload;
import static io.syntrix.gateway.WsClient.seq;
import static io.syntrix.gateway.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.identity.IdentityServices;
import io.syntrix.identity.PasswordHasher;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.ChangeEvent;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.store.Write;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exactly-once delivery over the real server: snapshot hand-over, resume, slow consumers, token expiry. */
class RealtimeDeliveryTest {
  @TempDir
  Path dir;

  private static String str(MapValue m, String key) {
    return ((StringValue) m.get(key)).value();
  }

  private static String dbId(TestServer server) {
    return server.identity.databases().find("default").orElseThrow().id();
  }

  private static String docId(MapValue event) {
    String path = str(delta(event), "id");
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static long version(MapValue doc) {
    return ((IntegerValue) doc.get("version")).value();
  }

  @Test
  void snapshotAndEventsShowEveryChangeExactlyOnceUnderConcurrentWrites() throws Exception {
    // This test is about exactly-once, not back-pressure: a deep outbox keeps a busy CI machine's
    // slow test client from being cut off.
    GatewayOptions options = GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off())
        .withRealtime(io.syntrix.gateway.realtime.RealtimeOptions.defaults()
            .withMaxPendingBytes(1L << 30).withMaxPendingFrames(1_000_000));
    try (TestServer server = new TestServer(dir, Clock.systemUTC(), options)) {
      String db = dbId(server);
      for (int i = 0; i < 50; i++) {
        server.store.create(db, DocumentPath.of("counters/c" + i), (MapValue) Json.parse("{\"n\":0}"));
      }
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer = Thread.ofPlatform().start(() -> {
        int i = 0;
        while (writing.get() && i < 20_000) {
          server.store.patch(db, DocumentPath.of("counters/c" + (i % 50)), (MapValue) Json.parse("{\"n\":" + i + "}"),
              List.of());
          i++;
        }
      });
      try (WsClient ws = WsClient.connect(server.port, true)) {
        ws.auth(server.token, "default");
        ws.expect("auth_ack");
        Thread.sleep(50);
        ws.subscribe("all", "counters", null, true, null);
        ws.expect("subscribe_ack");
        Map<String, Long> versions = new HashMap<>();
        MapValue snapshot = ws.expect("snapshot");
        for (Value v : ((ArrayValue) payload(snapshot).get("documents")).elements()) {
          versions.put(str((MapValue) v, "id"), version((MapValue) v));
        }
        assertThat(versions).hasSize(50);
        Thread.sleep(300);
        writing.set(false);
        writer.join();
        long last = server.store.changeLog().lastSeq();
        long previousSeq = ((IntegerValue) payload(snapshot).get("seq")).value();
        while (previousSeq < last) {
          MapValue event = ws.expect("event");
          assertThat(seq(event)).as("in seq order, nothing at or before the snapshot").isGreaterThan(previousSeq);
          previousSeq = seq(event);
          String id = docId(event);
          long v = version((MapValue) delta(event).get("document"));
          assertThat(v).as("%s: the next version after what the client has, no gap, no duplicate", id)
              .isEqualTo(versions.get(id) + 1);
          versions.put(id, v);
        }
        for (int i = 0; i < 50; i++) {
          assertThat(versions.get("c" + i)).isEqualTo(server.store.get(db, DocumentPath.of("counters/c" + i)).orElseThrow().version());
        }
        assertThat(ws.drain(300)).isEmpty();
      }
    }
  }

  @Test
  void resumeAfterADisconnectGetsEveryMissedChangeOnceInOrder() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      String db = dbId(server);
      long lastSeen;
      try (WsClient ws = WsClient.connect(server.port, true)) {
        ws.auth(server.token, "default");
        ws.expect("auth_ack");
        ws.subscribe("evens", "items", "[{\"field\":\"even\",\"op\":\"==\",\"value\":true}]", false, null);
        ws.expect("subscribe_ack");
        server.post(docs("default", "items"), "{\"id\":\"first\",\"even\":true}");
        lastSeen = seq(ws.expect("event"));
      }
      List<CompletableFuture<ChangeEvent>> writes = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        writes.add(server.store.writeAsync(new Write.Create(db, DocumentPath.of("items/i" + i),
            (MapValue) Json.parse("{\"even\":" + (i % 2 == 0) + ",\"i\":" + i + "}"))));
      }
      List<String> evens = TestServer.idsInSeqOrder(writes).stream()
          .filter(id -> Integer.parseInt(id.substring(1)) % 2 == 0).toList();
      assertThat(evens).hasSize(500);
      try (WsClient ws = WsClient.connect(server.port, true)) {
        ws.auth(server.token, "default");
        ws.expect("auth_ack");
        ws.subscribe("evens", "items", "[{\"field\":\"even\",\"op\":\"==\",\"value\":true}]", false, lastSeen);
        ws.expect("subscribe_ack");
        long previous = lastSeen;
        for (String id : evens) {
          MapValue event = ws.expect("event");
          assertThat(docId(event)).isEqualTo(id);
          assertThat(seq(event)).isGreaterThan(previous);
          previous = seq(event);
        }
        server.post(docs("default", "items"), "{\"id\":\"live\",\"even\":true}");
        assertThat(docId(ws.expect("event"))).as("then live, without a gap").isEqualTo("live");
        assertThat(ws.drain(300)).isEmpty();
      }
    }
  }

  @Test
  void aStalledClientIsCutOffAsASlowConsumerWhileAnotherReceivesEverything() throws Exception {
    GatewayOptions options = GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off())
        .withRealtime(io.syntrix.gateway.realtime.RealtimeOptions.defaults());
    try (TestServer server = new TestServer(dir, Clock.systemUTC(), options)) {
      String db = dbId(server);
      try (WsClient stalled = WsClient.connect(server.port, false); WsClient healthy = WsClient.connect(server.port, true)) {
        for (WsClient ws : List.of(stalled, healthy)) {
          ws.auth(server.token, "default");
          ws.subscribe("s", "blobs", null, false, null);
        }
        healthy.expect("auth_ack");
        healthy.expect("subscribe_ack");
        Thread.sleep(200);
        long slowBefore = server.gateway.realtime().metrics().slowConsumers();
        String pad = "x".repeat(20_000);
        int total = 1000;
        // In batches the healthy client keeps up with; the stalled one never reads, so ~20 MB pile up for it.
        for (int batch = 0; batch < total; batch += 50) {
          List<CompletableFuture<ChangeEvent>> writes = new ArrayList<>();
          for (int i = batch; i < batch + 50; i++) {
            writes.add(server.store.writeAsync(new Write.Create(db, DocumentPath.of("blobs/b" + i),
                MapValue.builder().put("pad", new StringValue(pad)).build())));
          }
          for (String id : TestServer.idsInSeqOrder(writes)) {
            assertThat(docId(healthy.expect("event"))).isEqualTo(id);
          }
        }
        // The stalled client was cut off: counted, and its subscription is gone (the healthy one's remains).
        assertThat(server.gateway.realtime().metrics().slowConsumers()).isGreaterThan(slowBefore);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> server.gateway.realtimeSubscriptions() == 1);
      }
    }
  }

  @Test
  void anExpiredTokenEndsSubscriptionsWithUnauthorizedUnlessRenewed() throws Exception {
    Path data = dir.resolve("ttl");
    try (TestServer server = new TestServer(data, IdentityServices.Options.defaults(data)
        .withAdminPassword(TestServer.ADMIN_PASSWORD).withHasher(new PasswordHasher(1024, 1, 1))
        .withAccessTtl(Duration.ofSeconds(2)), Clock.systemUTC(),
        GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off()))) {
      try (WsClient ws = WsClient.connect(server.port, true)) {
        ws.auth(server.token, "default");
        ws.expect("auth_ack");
        ws.subscribe("s", "notes", null, false, null);
        ws.expect("subscribe_ack");
        MapValue expired = ws.next(10, TimeUnit.SECONDS);
        assertThat(type(expired)).isEqualTo("error");
        assertThat(str(payload(expired), "message")).contains("unauthorized");
        server.token = server.signup("fresh", "Fresh-Password-1");
        server.post(docs("default", "notes"), "{\"id\":\"n\"}");
        assertThat(ws.drain(300)).as("the subscription ended").isEmpty();
        ws.auth(server.token, "default");
        ws.expect("auth_ack");
        ws.subscribe("s", "notes", null, false, null);
        ws.expect("subscribe_ack");
        server.post(docs("default", "notes"), "{\"id\":\"m\"}");
        assertThat(docId(ws.expect("event"))).isEqualTo("m");
      }
    }
  }

  @Test
  void subscriptionsNeedTheRulesToAllowListing() {
    try (TestServer server = new TestServer(dir)) {
      server.createDatabase("private-db");
      String stranger = server.signup("stranger", "Stranger-Pass-1");
      try (WsClient ws = WsClient.connect(server.port, true)) {
        ws.auth(stranger, "private-db");
        ws.expect("auth_ack");
        ws.subscribe("s", "secrets", null, false, null);
        MapValue refused = ws.expect("error");
        assertThat(str(payload(refused), "code")).isEqualTo("permission_denied");
        assertThat(str(payload(refused), "message")).startsWith("Subscribe failed");
        server.post(docs("private-db", "secrets"), "{\"id\":\"s1\"}");
        assertThat(ws.drain(300)).isEmpty();
      }
    }
  }
}
