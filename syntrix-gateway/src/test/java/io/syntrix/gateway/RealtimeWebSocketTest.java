package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static io.syntrix.gateway.WsClient.delta;
import static io.syntrix.gateway.WsClient.payload;
import static io.syntrix.gateway.WsClient.seq;
import static io.syntrix.gateway.WsClient.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WebSocket protocol of reference §7 with the D8 fixes, against the real server. */
class RealtimeWebSocketTest {
  @TempDir
  Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String str(MapValue m, String key) {
    return ((StringValue) m.get(key)).value();
  }

  @Test
  void fullMessageFlow() {
    try (WsClient ws = WsClient.connect(server.port, true)) {
      ws.subscribe("sub-0", "rooms/r1/messages", null, false, null);
      MapValue early = ws.expect("error");
      assertThat(str(payload(early), "code")).isEqualTo("unauthorized");
      assertThat(str(payload(early), "message")).contains("unauthorized");
      ws.auth("not-a-token", "default");
      assertThat(str(payload(ws.expect("error")), "message")).contains("unauthorized");
      ws.send("{\"id\":\"a\",\"type\":\"auth\",\"payload\":{\"token\":\"" + server.token + "\"}}");
      assertThat(str(payload(ws.expect("error")), "code")).isEqualTo("invalid_auth");
      ws.send("{broken json");
      ws.send("{\"type\":\"mystery\"}");
      ws.auth(server.token, "default");
      assertThat(str(ws.expect("auth_ack"), "id")).isEqualTo("auth-init");
      ws.subscribe("sub-1", "rooms/r1/messages", null, false, null);
      assertThat(str(ws.expect("subscribe_ack"), "id")).isEqualTo("sub-1");

      server.post(docs("default", "rooms/r1/messages"), "{\"id\":\"m1\",\"text\":\"hi\"}");
      MapValue created = ws.expect("event");
      assertThat(str(payload(created), "subId")).isEqualTo("sub-1");
      assertThat(str(delta(created), "type")).isEqualTo("create");
      assertThat(str(delta(created), "id")).isEqualTo("rooms/r1/messages/m1");
      MapValue doc = (MapValue) delta(created).get("document");
      assertThat(doc.get("text")).isEqualTo(new StringValue("hi"));
      assertThat(doc.get("version")).as("system fields are right").isEqualTo(IntegerValue.of(1));
      assertThat(((IntegerValue) doc.get("createdAt")).value()).isPositive();
      assertThat(seq(created)).isEqualTo(server.store.changeLog().lastSeq());
      assertThat(delta(created).get("seq")).isEqualTo(IntegerValue.of(seq(created)));

      server.patch(docs("default", "rooms/r1/messages/m1"), "{\"doc\":{\"text\":\"edited\"}}");
      MapValue updated = ws.expect("event");
      assertThat(str(delta(updated), "type")).isEqualTo("update");
      assertThat(seq(updated)).isGreaterThan(seq(created));
      server.delete(docs("default", "rooms/r1/messages/m1"), null);
      MapValue deleted = ws.expect("event");
      assertThat(str(delta(deleted), "type")).isEqualTo("delete");
      assertThat(str(delta(deleted), "reason")).isEqualTo("deleted");
      MapValue tombstone = (MapValue) delta(deleted).get("document");
      assertThat(tombstone.get("deleted")).as("the tombstone, as showDeleted reads it").isEqualTo(BooleanValue.TRUE);
      assertThat(tombstone.get("version")).as("bumped by the delete").isEqualTo(IntegerValue.of(3));
      assertThat(tombstone.get("text")).as("a tombstone keeps no data").isNull();
      assertThat(tombstone.get("updatedAt")).as("the delete's time").isEqualTo(delta(deleted).get("timestamp"));

      server.post(docs("default", "rooms/r2/messages"), "{\"id\":\"other-room\"}");
      server.post(docs("default", "rooms/r1/messages/m2/replies"), "{\"id\":\"sub-collection\"}");
      ws.send("{\"id\":\"unsub-sub-1\",\"type\":\"unsubscribe\",\"payload\":{\"id\":\"sub-1\"}}");
      assertThat(str(ws.expect("unsubscribe_ack"), "id")).isEqualTo("unsub-sub-1");
      server.post(docs("default", "rooms/r1/messages"), "{\"id\":\"after\"}");
      assertThat(ws.drain(500)).as("nothing after unsubscribe, nothing from other collections").isEmpty();
    }
  }

  @Test
  void theSdkSequenceYieldsExactlyOneSubscription() {
    try (WsClient ws = WsClient.connect(server.port, true)) {
      // What the TypeScript SDK does: subscribe as soon as the socket opens, then auth, then re-send on auth_ack.
      ws.subscribe("sub-1", "notes", null, false, null);
      ws.auth(server.token, "default");
      ws.expect("error");
      ws.expect("auth_ack");
      ws.subscribe("sub-1", "notes", null, false, null);
      ws.expect("subscribe_ack");
      ws.subscribe("sub-1", "notes", null, false, null);
      ws.expect("subscribe_ack");
      server.post(docs("default", "notes"), "{\"id\":\"n1\"}");
      ws.expect("event");
      assertThat(ws.drain(500)).as("a repeated subscribe id replaces: one event per change").isEmpty();
      assertThat(server.gateway.realtimeSubscriptions()).isEqualTo(1);
    }
  }

  @Test
  void aFilteredSubscriptionSeesEnterUpdateAndLeave() {
    try (WsClient ws = WsClient.connect(server.port, true)) {
      ws.auth(server.token, "default");
      ws.expect("auth_ack");
      ws.subscribe("adults", "people", "[{\"field\":\"age\",\"op\":\">\",\"value\":20}]", false, null);
      ws.expect("subscribe_ack");
      server.post(docs("default", "people"), "{\"id\":\"p\",\"age\":10}");
      server.patch(docs("default", "people/p"), "{\"doc\":{\"age\":30}}");
      assertThat(str(delta(ws.expect("event")), "type")).as("entered").isEqualTo("create");
      server.patch(docs("default", "people/p"), "{\"doc\":{\"age\":31}}");
      assertThat(str(delta(ws.expect("event")), "type")).as("changed inside").isEqualTo("update");
      server.patch(docs("default", "people/p"), "{\"doc\":{\"age\":5}}");
      MapValue left = ws.expect("event");
      assertThat(str(delta(left), "type")).as("left").isEqualTo("delete");
      assertThat(str(delta(left), "reason")).isEqualTo("left");
      MapValue afterImage = (MapValue) delta(left).get("document");
      assertThat(afterImage.get("age")).as("the document as it now is").isEqualTo(IntegerValue.of(5));
      assertThat(afterImage.get("version")).isEqualTo(IntegerValue.of(4));
      assertThat(afterImage.get("deleted")).isNull();
      server.patch(docs("default", "people/p"), "{\"doc\":{\"age\":6}}");
      assertThat(ws.drain(300)).isEmpty();
    }
  }

  /** A resume replays deletes and leaves from the change log with the same delta as live delivery. */
  @Test
  void aReplayCarriesTheTombstoneOfADeleteAndTheAfterImageOfALeave() {
    server.post(docs("default", "people"), "{\"id\":\"p\",\"age\":30}");
    server.post(docs("default", "people"), "{\"id\":\"q\",\"age\":40}");
    long from = server.store.changeLog().lastSeq();
    server.patch(docs("default", "people/p"), "{\"doc\":{\"age\":5}}");
    server.delete(docs("default", "people/q"), null);
    try (WsClient ws = WsClient.connect(server.port, true)) {
      ws.auth(server.token, "default");
      ws.expect("auth_ack");
      ws.subscribe("adults", "people", "[{\"field\":\"age\",\"op\":\">\",\"value\":20}]", false, from);
      ws.expect("subscribe_ack");
      MapValue left = ws.expect("event");
      assertThat(str(delta(left), "type")).isEqualTo("delete");
      assertThat(str(delta(left), "reason")).isEqualTo("left");
      assertThat(((MapValue) delta(left).get("document")).get("age")).isEqualTo(IntegerValue.of(5));
      MapValue deleted = ws.expect("event");
      assertThat(str(delta(deleted), "type")).isEqualTo("delete");
      assertThat(str(delta(deleted), "reason")).isEqualTo("deleted");
      MapValue tombstone = (MapValue) delta(deleted).get("document");
      assertThat(tombstone.get("deleted")).isEqualTo(BooleanValue.TRUE);
      assertThat(tombstone.get("version")).isEqualTo(IntegerValue.of(2));
      assertThat(tombstone.get("age")).isNull();
    }
  }

  @Test
  void snapshotRespectsFiltersOmitsDeletedAndIsFollowedByLaterEventsOnly() {
    server.post(docs("default", "tasks"), "{\"id\":\"a\",\"done\":false}");
    server.post(docs("default", "tasks"), "{\"id\":\"b\",\"done\":true}");
    server.post(docs("default", "tasks"), "{\"id\":\"c\",\"done\":false}");
    server.delete(docs("default", "tasks/c"), null);
    try (WsClient ws = WsClient.connect(server.port, true)) {
      ws.auth(server.token, "default");
      ws.expect("auth_ack");
      ws.subscribe("open", "tasks", "[{\"field\":\"done\",\"op\":\"==\",\"value\":false}]", true, null);
      ws.expect("subscribe_ack");
      MapValue snapshot = ws.expect("snapshot");
      List<Value> documents = ((ArrayValue) payload(snapshot).get("documents")).elements();
      assertThat(documents).extracting(d -> ((MapValue) d).get("id")).containsExactly(new StringValue("a"));
      assertThat(payload(snapshot).get("seq")).isEqualTo(IntegerValue.of(server.store.changeLog().lastSeq()));
      server.post(docs("default", "tasks"), "{\"id\":\"d\",\"done\":false}");
      assertThat(str(delta(ws.expect("event")), "id")).isEqualTo("tasks/d");
    }
  }

  @Test
  void upgradeChecks() {
    var queryToken = server.send("GET", "/realtime/ws?access_token=" + server.token, null, null, null);
    assertThat(queryToken.status()).isEqualTo(401);
    assertThat(queryToken.errorCode()).isEqualTo("UNAUTHORIZED");
    var notUpgrade = server.send("GET", "/realtime/ws", null, null, null);
    assertThat(notUpgrade.status()).isEqualTo(400);
  }

  @Test
  void theDatabaseAndCollectionAreIsolated() {
    server.createDatabase("elsewhere");
    try (WsClient ws = WsClient.connect(server.port, true)) {
      ws.auth(server.token, "default");
      ws.expect("auth_ack");
      ws.subscribe("s", "notes", null, false, null);
      ws.expect("subscribe_ack");
      server.post(docs("elsewhere", "notes"), "{\"id\":\"x\"}");
      server.post(docs("default", "notes/x/sub"), "{\"id\":\"y\"}");
      server.post(docs("default", "notesX"), "{\"id\":\"z\"}");
      assertThat(ws.drain(500)).isEmpty();
      server.post(docs("default", "notes"), "{\"id\":\"mine\"}");
      assertThat(str(delta(ws.expect("event")), "id")).isEqualTo("notes/mine");
    }
  }
}
