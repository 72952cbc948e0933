package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.StringValue;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security rules pushed over HTTP and enforced on every access path: document CRUD, queries and
 * replication pull/push (D10); pushed rules survive a restart.
 */
class RulesEnforcementTest {
  private static final String RULES = """
      rules_version: '1'
      match:
        /databases/{database}/documents:
          match:
            /profiles/{userId}:
              allow:
                read: "request.auth.userId != null"
                create, update: "request.auth.userId == userId && request.resource.data.name.size() > 0"
                delete: "request.auth.userId == userId"
            /posts/{postId}:
              allow:
                get: "request.auth.userId != null"
                list: "request.auth.userId != null && request.query.limit > 0 && request.query.limit <= 10"
                create: "request.resource.data.author == request.auth.userId"
                update, delete: "resource.data.author == request.auth.userId"
            /private/{docId}:
              allow:
                read, write: "exists('/databases/' + database + '/documents/profiles/' + request.auth.userId)"
      """;

  @TempDir
  Path dir;

  @Test
  void rulesGovernCrudQueriesAndReplication() {
    TestServer server = new TestServer(dir);
    try {
      String owner = server.token;
      server.createDatabase("social");
      String admin = server.adminToken();
      assertThat(server.send("POST", "/admin/rules/push?database=social", RULES, "application/yaml", owner).status())
          .as("pushing rules is for admins (owners use /api/v1/databases/{db}/rules)").isEqualTo(403);
      var pushed = server.send("POST", "/admin/rules/push?database=social", RULES, "application/yaml", admin);
      assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);

      String alice = server.signup("alice", "Alice-Password-1");
      String aliceId = server.identity.auth().userByName("alice").orElseThrow().id();
      String bob = server.signup("bob", "Bobby-Password-1");
      server.token = alice;
      assertThat(server.put(docs("social", "profiles/" + aliceId), "{\"doc\":{\"name\":\"Alice\"}}").status()).isEqualTo(200);
      assertThat(server.put(docs("social", "profiles/" + aliceId), "{\"doc\":{\"name\":\"\"}}").status())
          .as("request.resource.data validates the new document").isEqualTo(403);
      assertThat(server.patch(docs("social", "profiles/" + aliceId), "{\"doc\":{\"age\":30}}").status())
          .as("a patch is judged on the merged document, which keeps the name").isEqualTo(200);
      assertThat(server.post(docs("social", "posts"), "{\"id\":\"p1\",\"author\":\"" + aliceId + "\"}").status()).isEqualTo(201);
      assertThat(server.post(docs("social", "posts"), "{\"id\":\"p2\",\"author\":\"someone-else\"}").status()).isEqualTo(403);
      assertThat(server.post(docs("social", "private"), "{\"id\":\"x\"}").status())
          .as("exists() reads this database: alice has a profile").isEqualTo(201);

      server.token = bob;
      assertThat(server.get(docs("social", "profiles/" + aliceId)).status()).isEqualTo(200);
      assertThat(server.put(docs("social", "profiles/" + aliceId), "{\"doc\":{\"name\":\"Bob\"}}").status()).isEqualTo(403);
      assertThat(server.delete(docs("social", "profiles/" + aliceId), null).status()).isEqualTo(403);
      assertThat(server.patch(docs("social", "posts/p1"), "{\"doc\":{\"title\":\"x\"}}").status())
          .as("resource.data is the stored document").isEqualTo(403);
      assertThat(server.get(docs("social", "private/x")).status()).as("bob has no profile here").isEqualTo(403);
      assertThat(server.post("/api/v1/databases/social/query", "{\"collection\":\"posts\",\"limit\":5}").status()).isEqualTo(200);
      assertThat(server.post("/api/v1/databases/social/query", "{\"collection\":\"posts\",\"limit\":50}").status())
          .as("list rules see the query").isEqualTo(403);
      assertThat(server.post("/api/v1/databases/social/query", "{\"collection\":\"private\"}").status()).isEqualTo(403);
      assertThat(server.get("/replication/v1/databases/social/pull?collection=private&checkpoint=0").status())
          .as("pull is a list").isEqualTo(403);
      assertThat(server.post("/replication/v1/databases/social/push",
          "{\"collection\":\"posts\",\"changes\":[{\"document\":{\"id\":\"p1\",\"author\":\"bob\"}}]}").status())
          .as("push is a write").isEqualTo(403);

      server.token = null;
      assertThat(server.get(docs("social", "profiles/" + aliceId)).status()).isEqualTo(401);
      server.token = owner;
      assertThat(server.get(docs("social", "private/x")).status()).as("the owner bypasses the rules").isEqualTo(200);

      var bad = server.send("PUT", "/api/v1/databases/social/rules", "match:\n  /x: {allow: {read: \"1 +\"}}", "application/yaml", owner);
      assertThat(bad.status()).isEqualTo(400);
      var current = server.send("GET", "/api/v1/databases/social/rules", null, null, owner);
      assertThat(current.string("yaml")).isEqualTo(RULES).as("a failed push changes nothing");

      server = server.restart();
      var kept = server.send("GET", "/admin/rules?database=social", null, null, server.adminToken());
      assertThat(kept.status()).isEqualTo(200);
      assertThat(kept.string("yaml")).as("pushed rules survive a restart").isEqualTo(RULES);
    } finally {
      server.close();
    }
  }

  @Test
  void aDatabaseWithoutRulesIsOnlyForItsOwnerAndDatabaseAdmins() {
    try (TestServer server = new TestServer(dir)) {
      server.createDatabase("closed");
      server.post(docs("closed", "c"), "{\"id\":\"d\"}");
      String other = server.signup("other", "Other-Password-1");
      assertThat(server.send("GET", docs("closed", "c/d"), null, null, other).status()).isEqualTo(403);
      assertThat(server.send("GET", docs("closed", "c/d"), null, null, server.adminToken()).status())
          .as("admins do not bypass rules").isEqualTo(403);
      String dbId = ((StringValue) server.get("/api/v1/databases/closed").object().get("id")).value();
      String otherId = server.identity.auth().userByName("other").orElseThrow().id();
      server.send("PATCH", "/admin/users/" + otherId, "{\"db_admin\":[\"" + dbId + "\"]}", null, server.adminToken());
      assertThat(server.send("GET", docs("closed", "c/d"), null, null, other).status()).as("database admin").isEqualTo(200);
      assertThat(((ArrayValue) server.send("POST", "/api/v1/databases/closed/query", "{\"collection\":\"c\"}", null, other)
          .json()).elements()).hasSize(1);
    }
  }
}
