package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.store.postgres.EmbeddedPostgresServer;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server on PostgreSQL (issue 11): REST writes and reads, and a realtime
 * subscription with a snapshot taken while writes flow, which must show every document exactly
 * once — in the snapshot or as an event — across PostgreSQL's visibility order (the hand-over of
 * docs/design/postgres-changelog.md), over a real WebSocket.
 */
class PostgresServerTest {
  private static final String ADMIN_PASSWORD = "Admin-Password-1";

  @TempDir
  Path dir;


  @Test
  void restAndASnapshotHandedOverToLiveEventsWhileWritesFlow() throws Exception {
    EmbeddedPostgresServer.TestDatabase database = EmbeddedPostgresServer.shared().createDatabase("server");
    ServerConfig settings = ServerConfig.defaults()
        .with("127.0.0.1", "0", dir.resolve("data").toString(), null, null)
        .withRateLimit(false, 0, 0)
        .withNetwork(List.of(), List.of())
        .withIdentity(ADMIN_PASSWORD, null, 10)
        .withStore("postgres", database.jdbcUrl());
    Standalone server = Standalone.open(settings);
    try {
      ServerClient client = new ServerClient("http://127.0.0.1:" + server.start(settings));
      String token = client.login("syntrix", ADMIN_PASSWORD);
      String docs = "/api/v1/databases/default/documents/notes";

      for (int i = 0; i < 50; i++) {
        assertThat(client.send("POST", docs, "{\"id\":\"a" + i + "\",\"n\":" + i + "}", token).statusCode()).isEqualTo(201);
      }
      HttpResponse<String> read = client.send("GET", docs + "/a7", null, token);
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(((MapValue) Json.parse(read.body())).get("version")).isEqualTo(Json.parse("1"));

      ServerClient.Realtime ws = client.realtime(token, "default");
      BlockingQueue<MapValue> frames = ws.frames();

      // Writes flow from 8 clients while 4 subscriptions take their snapshots, one after another.
      int writers = 8;
      int each = 60;
      AtomicInteger written = new AtomicInteger();
      List<Thread> threads = new java.util.ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int ww = w;
        threads.add(Thread.ofPlatform().start(() -> {
          try {
            for (int i = 0; i < each; i++) {
              if (client.send("POST", docs, "{\"id\":\"b" + ww + "-" + i + "\",\"n\":" + i + "}", token)
                  .statusCode() == 201) {
                written.incrementAndGet();
              }
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      int subscriptions = 4;
      for (int k = 0; k < subscriptions; k++) {
        Thread.sleep(150);
        ws.send("{\"id\":\"s" + k + "\",\"type\":\"subscribe\",\"payload\":{\"query\":{\"collection\":\"notes\","
            + "\"filters\":[]},\"includeData\":true,\"sendSnapshot\":true}}");
      }
      for (Thread t : threads) {
        t.join();
      }
      int total = 50 + writers * each;
      assertThat(written.get()).isEqualTo(writers * each);

      Map<String, Map<String, Integer>> seen = new HashMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen.values().stream().mapToInt(Map::size).sum() < subscriptions * total && System.nanoTime() < deadline) {
        MapValue f = frames.poll(1, TimeUnit.SECONDS);
        if (f == null) {
          continue;
        }
        MapValue payload = (MapValue) f.get("payload");
        switch (((StringValue) f.get("type")).value()) {
          case "snapshot" -> {
            Map<String, Integer> sub = seen.computeIfAbsent(((StringValue) payload.get("subId")).value(), x -> new HashMap<>());
            for (Value d : ((ArrayValue) payload.get("documents")).elements()) {
              sub.merge(((StringValue) ((MapValue) d).get("id")).value(), 1, Integer::sum);
            }
          }
          case "event" -> {
            Map<String, Integer> sub = seen.computeIfAbsent(((StringValue) payload.get("subId")).value(), x -> new HashMap<>());
            String id = ((StringValue) ((MapValue) payload.get("delta")).get("id")).value();
            sub.merge(id.substring(id.lastIndexOf('/') + 1), 1, Integer::sum);
          }
          default -> { }
        }
      }
      assertThat(seen).hasSize(subscriptions);
      seen.forEach((sub, ids) -> assertThat(ids).as("subscription %s: every document once, in its snapshot or as an"
          + " event", sub).hasSize(total).allSatisfy((id, times) -> assertThat(times).as(sub + " " + id).isEqualTo(1)));
      MapValue extra = frames.poll(500, TimeUnit.MILLISECONDS);
      assertThat(extra).as("nothing after").isNull();
      ws.socket().abort();

      HttpResponse<String> ready = client.send("GET", "/ready", null, null);
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(client.send("GET", "/metrics", null, null).body())
          .containsPattern("(?m)^syntrix_sequencer_active 1\\.0$")
          .containsPattern("(?m)^syntrix_sequencer_lag_ms ");
    } finally {
      server.shutdown(1);
      database.close();
    }
  }
}
