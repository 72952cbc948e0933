package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.identity.IdentityServices;
import io.syntrix.identity.PasswordHasher;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import java.nio.file.Path;
import java.time.Clock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logical databases over HTTP: CRUD, slug rules, quota, ownership, suspend/resume, deletion, one canonical key. */
class DatabasesApiTest {
  @TempDir
  Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dir, IdentityServices.Options.defaults(dir)
        .withAdminPassword(TestServer.ADMIN_PASSWORD).withHasher(new PasswordHasher(1024, 1, 1))
        .withMaxDatabasesPerUser(3), Clock.systemUTC(),
        GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void createGetListUpdateAndDelete() {
    var created = server.post("/api/v1/databases", "{\"display_name\":\"Chat\",\"slug\":\"chat-app\",\"description\":\"d\"}");
    assertThat(created.status()).isEqualTo(201);
    MapValue db = created.object();
    String id = ((StringValue) db.get("id")).value();
    assertThat(id).matches("[0-9a-f]{16}");
    assertThat(db.get("status")).isEqualTo(new StringValue("active"));
    assertThat(db.get("owner_id")).isEqualTo(new StringValue(server.identity.auth().userByName("tester").orElseThrow().id()));
    assertThat(((StringValue) db.get("created_at")).value()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    assertThat(server.get("/api/v1/databases/chat-app").object().get("id")).isEqualTo(new StringValue(id));
    assertThat(server.get("/api/v1/databases/id:" + id).object().get("slug")).isEqualTo(new StringValue("chat-app"));
    var list = server.get("/api/v1/databases").object();
    assertThat(list.get("total")).isEqualTo(IntegerValue.of(1));
    assertThat(((MapValue) list.get("quota")).get("used")).isEqualTo(IntegerValue.of(1));
    assertThat(((MapValue) list.get("quota")).get("limit")).isEqualTo(IntegerValue.of(3));

    var renamed = server.patch("/api/v1/databases/chat-app", "{\"display_name\":\"Chat 2\"}");
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.object().get("display_name")).isEqualTo(new StringValue("Chat 2"));
    assertThat(server.patch("/api/v1/databases/chat-app", "{\"slug\":\"other\"}").errorCode()).isEqualTo("SLUG_IMMUTABLE");
    assertThat(server.patch("/api/v1/databases/chat-app", "{\"status\":\"suspended\"}").status())
        .as("status is for admins").isEqualTo(400);

    var deleted = server.delete("/api/v1/databases/chat-app", null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.object().get("status")).isEqualTo(new StringValue("deleting"));
    assertThat(server.get(docs("chat-app", "c/x")).status()).isEqualTo(410);
  }

  @Test
  void slugRulesAndQuota() {
    assertThat(server.post("/api/v1/databases", "{\"slug\":\"nameless\"}").errorCode()).isEqualTo("DISPLAY_NAME_REQUIRED");
    assertThat(server.post("/api/v1/databases", "{\"display_name\":\"x\",\"slug\":\"Bad_Slug\"}").errorCode())
        .isEqualTo("INVALID_SLUG");
    assertThat(server.post("/api/v1/databases", "{\"display_name\":\"x\",\"slug\":\"ab\"}").errorCode()).isEqualTo("INVALID_SLUG");
    assertThat(server.post("/api/v1/databases", "{\"display_name\":\"x\",\"slug\":\"admin\"}").errorCode())
        .isEqualTo("RESERVED_SLUG");
    assertThat(server.post("/api/v1/databases", "{\"display_name\":\"x\",\"slug\":\"default\"}").errorCode())
        .isEqualTo("RESERVED_SLUG");
    assertThat(server.post("/api/v1/databases", "{\"display_name\":\"x\",\"owner_id\":\"someone\"}").status())
        .as("owner_id is an admin field").isEqualTo(400);
    server.createDatabase("one");
    assertThat(server.post("/api/v1/databases", "{\"display_name\":\"x\",\"slug\":\"one\"}").errorCode()).isEqualTo("SLUG_EXISTS");
    server.createDatabase("two");
    server.post("/api/v1/databases", "{\"display_name\":\"no slug\"}");
    var over = server.post("/api/v1/databases", "{\"display_name\":\"four\"}");
    assertThat(over.status()).isEqualTo(403);
    assertThat(over.errorCode()).isEqualTo("QUOTA_EXCEEDED");
    String admin = server.adminToken();
    assertThat(server.send("POST", "/admin/databases", "{\"display_name\":\"x\",\"slug\":\"system\"}", null, admin).status())
        .as("admins may use reserved slugs and are not held to a quota").isEqualTo(201);
  }

  @Test
  void slugAndIdReachTheSameDocuments() {
    server.createDatabase("shared");
    String id = ((StringValue) server.get("/api/v1/databases/shared").object().get("id")).value();
    assertThat(server.post(docs("shared", "notes"), "{\"id\":\"n1\",\"v\":1}").status()).isEqualTo(201);
    assertThat(server.get(docs("id:" + id, "notes/n1")).object().get("v")).isEqualTo(IntegerValue.of(1));
    assertThat(server.patch(docs("id:" + id, "notes/n1"), "{\"doc\":{\"v\":2}}").status()).isEqualTo(200);
    assertThat(server.get(docs("shared", "notes/n1")).object().get("v")).isEqualTo(IntegerValue.of(2));
    var pulled = server.get("/replication/v1/databases/id:" + id + "/pull?collection=notes&checkpoint=0");
    assertThat(((ArrayValue) pulled.object().get("documents")).elements()).hasSize(1);
    var queried = server.post("/api/v1/databases/id:" + id + "/query", "{\"collection\":\"notes\"}");
    assertThat(((ArrayValue) queried.json()).elements()).hasSize(1);
  }

  @Test
  void suspendedDatabasesAre403AndDeletedOnesArePurged() {
    server.createDatabase("temp");
    server.post(docs("temp", "notes"), "{\"id\":\"n1\"}");
    String id = ((StringValue) server.get("/api/v1/databases/temp").object().get("id")).value();
    String admin = server.adminToken();
    assertThat(server.send("PATCH", "/admin/databases/temp", "{\"status\":\"suspended\"}", null, admin).status()).isEqualTo(200);
    var suspended = server.get(docs("temp", "notes/n1"));
    assertThat(suspended.status()).isEqualTo(403);
    assertThat(suspended.errorCode()).isEqualTo("DATABASE_SUSPENDED");
    assertThat(server.send("PATCH", "/admin/databases/temp", "{\"status\":\"active\"}", null, admin).status()).isEqualTo(200);
    assertThat(server.get(docs("temp", "notes/n1")).status()).isEqualTo(200);

    assertThat(server.delete("/api/v1/databases/temp", null).status()).isEqualTo(200);
    assertThat(server.get(docs("temp", "notes/n1")).errorCode()).isEqualTo("DATABASE_DELETING");
    assertThat(server.identity.databases().purgeDeleted()).isEqualTo(1);
    assertThat(server.store.get(id, io.syntrix.model.DocumentPath.of("notes/n1"), true)).isEmpty();
    Awaitility.await().untilAsserted(() -> assertThat(server.get(docs("temp", "notes/n1")).errorCode())
        .isEqualTo("DATABASE_NOT_FOUND"));
    assertThat(server.send("DELETE", "/admin/databases/default", null, null, admin).errorCode())
        .isEqualTo("PROTECTED_DATABASE");
  }

  @Test
  void usersSeeAndManageOnlyTheirOwnDatabases() {
    server.createDatabase("mine");
    String other = server.signup("mallory", "Mallory-Pass-12");
    var peek = server.send("GET", "/api/v1/databases/mine", null, null, other);
    assertThat(peek.status()).isEqualTo(403);
    assertThat(server.send("PATCH", "/api/v1/databases/mine", "{\"display_name\":\"pwned\"}", null, other).status())
        .isEqualTo(403);
    assertThat(server.send("DELETE", "/api/v1/databases/mine", null, null, other).status()).isEqualTo(403);
    assertThat(server.send("GET", "/api/v1/databases", null, null, other).object().get("total")).isEqualTo(IntegerValue.of(0));
    assertThat(server.send("GET", "/admin/databases", null, null, other).status()).isEqualTo(403);
    assertThat(server.send("GET", "/admin/databases", null, null, server.adminToken()).object().get("total"))
        .as("default and mine").isEqualTo(IntegerValue.of(2));
  }
}
