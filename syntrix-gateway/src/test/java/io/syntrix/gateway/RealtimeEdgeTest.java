package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static io.syntrix.gateway.WsClient.delta;
import static io.syntrix.gateway.WsClient.payload;
import static io.syntrix.gateway.WsClient.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.syntrix.testkit.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inbound frame limit, and resuming past change-log retention (a reset snapshot). */
class RealtimeEdgeTest {
  @TempDir
  Path dir;

  @Test
  void framesOver64KiBCloseTheConnectionWith1009() throws Exception {
    try (TestServer server = new TestServer(dir); WsClient ws = WsClient.connect(server.port, true)) {
      ws.auth(server.token, "default");
      ws.expect("auth_ack");
      ws.send("{\"id\":\"big\",\"type\":\"subscribe\",\"payload\":{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}}");
      assertThat(ws.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }
  }

  @Test
  void subscriptionRulesSeeTheTokenClaimsLikeEveryOtherAccessPath() {
    try (TestServer server = new TestServer(dir)) {
      server.createDatabase("claims-db");
      String rules = """
          rules_version: '1'
          match:
            /databases/{database}/documents:
              match:
                /feed/{id}:
                  allow:
                    read: "request.auth.claims.username == 'reader'"
          """;
      var pushed = server.send("PUT", "/api/v1/databases/claims-db/rules", rules, "application/yaml", server.token);
      assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
      String reader = server.signup("reader", "Reader-Password-1");
      String other = server.signup("other", "Other-Password-1");
      assertThat(server.send("POST", "/api/v1/databases/claims-db/query", "{\"collection\":\"feed\"}", null, reader)
          .status()).isEqualTo(200);
      for (String[] who : new String[][] {{reader, "subscribe_ack"}, {other, "error"}}) {
        try (WsClient ws = WsClient.connect(server.port, true)) {
          ws.auth(who[0], "claims-db");
          ws.expect("auth_ack");
          ws.subscribe("s", "feed", null, false, null);
          ws.expect(who[1]);
        }
      }
    }
  }

  @Test
  void resumingPastRetentionGetsAResetSnapshotThenLiveEvents() throws Exception {
    MovableClock clock = new MovableClock();
    try (TestServer server = new TestServer(dir, clock)) {
      long seen;
      try (WsClient ws = WsClient.connect(server.port, true)) {
        ws.auth(server.token, "default");
        ws.expect("auth_ack");
        ws.subscribe("s", "notes", null, false, null);
        ws.expect("subscribe_ack");
        server.post(docs("default", "notes"), "{\"id\":\"a\"}");
        seen = seq(ws.expect("event"));
      }
      server.post(docs("default", "notes"), "{\"id\":\"b\"}");
      server.delete(docs("default", "notes/a"), null);
      clock.advance(Duration.ofDays(31));
      server.purgeExpired(); // the changes after `seen` are gone
      try (WsClient ws = WsClient.connect(server.port, true)) {
        ws.auth(server.token, "default");
        ws.expect("auth_ack");
        ws.subscribe("s", "notes", null, false, seen);
        ws.expect("subscribe_ack");
        MapValue snapshot = ws.expect("snapshot");
        assertThat(payload(snapshot).get("reset")).isEqualTo(BooleanValue.TRUE);
        assertThat(((ArrayValue) payload(snapshot).get("documents")).elements())
            .extracting(d -> ((MapValue) d).get("id")).containsExactly((Value) new StringValue("b"));
        server.post(docs("default", "notes"), "{\"id\":\"c\"}");
        assertThat(((StringValue) delta(ws.expect("event")).get("id")).value()).isEqualTo("notes/c");
      }
    }
  }
}
