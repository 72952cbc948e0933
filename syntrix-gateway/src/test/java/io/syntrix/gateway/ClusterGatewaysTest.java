package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways over one PostgreSQL database act as one server over HTTP: a token from one is
 * accepted by the other, and rules, database and user changes made through one take effect on
 * the other within a second, without restarting it (docs/design/identity.md, "A cluster").
 */
@EnabledIfSystemProperty(named = TestStorage.ENGINE_PROPERTY, matches = TestStorage.POSTGRES,
    disabledReason = "one RocksDB directory belongs to one process; a cluster shares PostgreSQL")
class ClusterGatewaysTest {
  private static final Duration WITHIN_A_SECOND = Duration.ofMillis(1_500);
  private static final String CLOSED = """
      rules_version: '1'
      match:
        /databases/{database}/documents:
          match:
            /{document=**}:
              allow:
                read, write: "false"
      """;

  @TempDir
  Path dir;
  TestServer a;
  TestServer b;

  @BeforeEach
  void start() {
    a = new TestServer(dir.resolve("a"));
    b = a.peer(dir.resolve("b"));
  }

  @AfterEach
  void stop() {
    if (b != null) {
      b.close();
    }
    a.close();
  }

  @Test
  void tokensFromOneGatewayWorkOnTheOther() {
    assertThat(b.send("GET", docs("default", "notes/n1"), null, null, a.token).status()).isEqualTo(404);
    String admin = a.adminToken();
    assertThat(b.send("GET", "/admin/users", null, null, admin).status()).isEqualTo(200);
    assertThat(b.identity.auth().userByName("syntrix").orElseThrow().id())
        .isEqualTo(a.identity.auth().userByName("syntrix").orElseThrow().id());
  }

  @Test
  void rulesPushedThroughOneGatewayAreEnforcedByTheOther() {
    b.token = a.token;
    assertThat(b.post(docs("default", "notes"), "{\"id\":\"n1\"}").status()).isEqualTo(201);
    var pushed = a.send("POST", "/admin/rules/push?database=default", CLOSED, "application/yaml", a.adminToken());
    assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
    Awaitility.await().atMost(WITHIN_A_SECOND)
        .untilAsserted(() -> assertThat(b.get(docs("default", "notes/n1")).status()).isEqualTo(403));
  }

  @Test
  void aDatabaseSuspendedThroughOneGatewayIsRefusedByTheOther() {
    a.createDatabase("shop");
    b.token = a.token;
    assertThat(b.post(docs("shop", "items"), "{\"id\":\"i1\"}").status()).isEqualTo(201);
    assertThat(a.send("PATCH", "/admin/databases/shop", "{\"status\":\"suspended\"}", null, a.adminToken()).status())
        .isEqualTo(200);
    Awaitility.await().atMost(WITHIN_A_SECOND).untilAsserted(() -> {
      var refused = b.get(docs("shop", "items/i1"));
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.errorCode()).isEqualTo("DATABASE_SUSPENDED");
    });
  }

  @Test
  void aUserDisabledThroughOneGatewayIsRefusedByTheOther() {
    b.token = a.token;
    assertThat(b.get(docs("default", "notes/none")).status()).isEqualTo(404);
    String testerId = a.identity.auth().userByName("tester").orElseThrow().id();
    assertThat(a.send("PATCH", "/admin/users/" + testerId, "{\"disabled\":true}", null, a.adminToken()).status())
        .isEqualTo(200);
    Awaitility.await().atMost(WITHIN_A_SECOND)
        .untilAsserted(() -> assertThat(b.get(docs("default", "notes/none")).status()).isEqualTo(401));
  }
}
