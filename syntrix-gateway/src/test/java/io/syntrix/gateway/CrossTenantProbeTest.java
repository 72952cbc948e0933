package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.StringValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user of database A tries every endpoint against database B, by slug and by id, and is
 * refused every time; B's data is untouched afterwards.
 */
class CrossTenantProbeTest {
  @TempDir
  Path dir;

  @Test
  void aUserOfOneDatabaseIsRefusedEverywhereInAnother() {
    try (TestServer server = new TestServer(dir)) {
      server.createDatabase("tenant-b");
      server.post(docs("tenant-b", "secrets"), "{\"id\":\"s1\",\"v\":\"top secret\"}");
      String bId = ((StringValue) server.get("/api/v1/databases/tenant-b").object().get("id")).value();

      String attacker = server.signup("attacker", "Attacker-Pass-1");
      server.token = attacker;
      server.createDatabase("tenant-a");

      List<String> leaks = new ArrayList<>();
      for (String b : new String[] {"tenant-b", "id:" + bId}) {
        String[][] probes = {
            {"GET", docs(b, "secrets/s1"), null},
            {"POST", docs(b, "secrets"), "{\"id\":\"s2\"}"},
            {"PUT", docs(b, "secrets/s1"), "{\"doc\":{\"v\":\"owned\"}}"},
            {"PUT", docs(b, "secrets/new"), "{\"doc\":{\"v\":\"owned\"}}"},
            {"PATCH", docs(b, "secrets/s1"), "{\"doc\":{\"v\":\"owned\"}}"},
            {"DELETE", docs(b, "secrets/s1"), null},
            {"POST", "/api/v1/databases/" + b + "/query", "{\"collection\":\"secrets\"}"},
            {"POST", "/api/v1/databases/" + b + "/query/explain", "{\"collection\":\"secrets\"}"},
            {"GET", "/replication/v1/databases/" + b + "/pull?collection=secrets&checkpoint=0", null},
            {"POST", "/replication/v1/databases/" + b + "/push",
                "{\"collection\":\"secrets\",\"changes\":[{\"action\":\"update\",\"document\":{\"id\":\"s1\",\"v\":\"owned\"}}]}"},
            {"GET", "/api/v1/databases/" + b, null},
            {"PATCH", "/api/v1/databases/" + b, "{\"display_name\":\"owned\"}"},
            {"DELETE", "/api/v1/databases/" + b, null},
            {"GET", "/admin/databases/" + b, null},
            {"PATCH", "/admin/databases/" + b, "{\"status\":\"suspended\"}"},
        };
        for (String[] p : probes) {
          var r = server.send(p[0], p[1], p[2]);
          if (r.status() != 403 || r.body().contains("top secret")) {
            leaks.add(p[0] + " " + p[1] + " -> " + r.status() + " " + r.body());
          }
        }
      }
      assertThat(leaks).isEmpty();
      server.token = null;
      var anonymous = server.get(docs("tenant-b", "secrets/s1"));
      assertThat(anonymous.status()).isEqualTo(401);
      server.token = server.adminToken();
      assertThat(server.get("/api/v1/databases/tenant-b").status()).isEqualTo(200);
      assertThat(server.store.get(bId, io.syntrix.model.DocumentPath.of("secrets/s1")).orElseThrow().version())
          .as("nothing the attacker sent changed B").isEqualTo(1);
      assertThat(server.store.get(bId, io.syntrix.model.DocumentPath.of("secrets/new"), true)).isEmpty();
    }
  }
}
