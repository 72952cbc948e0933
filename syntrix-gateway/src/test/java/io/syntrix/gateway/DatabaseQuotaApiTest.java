package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database's {@code max_documents} and {@code max_storage_bytes} settings over HTTP: growth past
 * them is 403 {@code QUOTA_EXCEEDED} naming the quota, shrinking always works, concurrent clients
 * never overshoot, and the usage the database reports is exact and survives a restart.
 */
class DatabaseQuotaApiTest {
  @TempDir
  Path dir;
  TestServer server;
  String admin;

  @BeforeEach
  void start() {
    server = new TestServer(dir);
    admin = server.adminToken();
    server.createDatabase("quota-db");
  }

  @AfterEach
  void stop() {
    assertThat(server.integrityProblems()).as("the counters equal a recount of the documents").isEmpty();
    server.close();
  }

  private void settings(String json) {
    var r = server.send("PATCH", "/admin/databases/quota-db", "{\"settings\":" + json + "}", null, admin);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private long usage(String key) {
    MapValue usage = (MapValue) server.get("/api/v1/databases/quota-db").object().get("usage");
    return ((IntegerValue) usage.get(key)).value();
  }

  @Test
  void maxDocumentsRefusesNewDocumentsWith403() {
    settings("{\"max_documents\":3}");
    for (int i = 0; i < 3; i++) {
      assertThat(server.post(docs("quota-db", "c"), "{\"id\":\"d" + i + "\"}").status()).isEqualTo(201);
    }
    var refused = server.post(docs("quota-db", "c"), "{\"id\":\"d3\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("QUOTA_EXCEEDED");
    assertThat(refused.string("message")).contains("max_documents").contains("3");
    assertThat(server.put(docs("quota-db", "c/new"), "{\"doc\":{}}").errorCode()).as("an upsert that creates")
        .isEqualTo("QUOTA_EXCEEDED");
    assertThat(server.patch(docs("quota-db", "c/d0"), "{\"doc\":{\"v\":1}}").status()).isEqualTo(200);
    var push = server.post("/replication/v1/databases/quota-db/push",
        "{\"collection\":\"c\",\"changes\":[{\"action\":\"create\",\"document\":{\"id\":\"p1\"}}]}");
    assertThat(push.status()).as("replication push is held to the same quota").isEqualTo(403);
    assertThat(server.delete(docs("quota-db", "c/d1"), null).status()).isEqualTo(204);
    assertThat(server.post(docs("quota-db", "c"), "{\"id\":\"d3\"}").status()).isEqualTo(201);
    assertThat(usage("documents")).isEqualTo(3);
    settings("{\"max_documents\":0}");
    assertThat(server.post(docs("quota-db", "c"), "{\"id\":\"d4\"}").status()).as("0 is unlimited").isEqualTo(201);
  }

  @Test
  void maxStorageBytesRefusesGrowthButNotShrinking() {
    assertThat(server.post(docs("quota-db", "c"), "{\"id\":\"big\",\"v\":\"" + "x".repeat(3000) + "\"}").status())
        .isEqualTo(201);
    long used = usage("storage_bytes");
    assertThat(used).isGreaterThan(3000);
    settings("{\"max_storage_bytes\":" + (used + 500) + "}");
    assertThat(server.post(docs("quota-db", "c"), "{\"id\":\"small\"}").status()).isEqualTo(201);
    var refused = server.post(docs("quota-db", "c"), "{\"v\":\"" + "y".repeat(1000) + "\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.string("message")).contains("max_storage_bytes");
    settings("{\"max_storage_bytes\":100}");
    assertThat(server.put(docs("quota-db", "c/big"), "{\"doc\":{\"v\":\"short\"}}").status())
        .as("a database over its quota may still shrink").isEqualTo(200);
    assertThat(usage("storage_bytes")).isLessThan(used);
  }

  /** 60 clients race for 25 places while others delete: exactly the limit gets in, the count stays exact. */
  @Test
  void concurrentClientsNeverOvershootAndUsageStaysExact() {
    for (int i = 0; i < 10; i++) {
      server.post(docs("quota-db", "c"), "{\"id\":\"old" + i + "\"}");
    }
    settings("{\"max_documents\":25}");
    List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> deletes = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      creates.add(send("POST", docs("quota-db", "c"), "{\"id\":\"new" + i + "\"}"));
      if (i < 10) {
        deletes.add(send("DELETE", docs("quota-db", "c/old" + i), null));
      }
    }
    long created = creates.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 201).count();
    long refused = creates.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 403).count();
    assertThat(deletes.stream().map(CompletableFuture::join).allMatch(r -> r.statusCode() == 204)).isTrue();
    assertThat(created + refused).isEqualTo(60);
    assertThat(created).as("at least the 15 free places, at most those plus the 10 deleted").isBetween(15L, 25L);
    long live = ((io.syntrix.model.ArrayValue) server.post("/api/v1/databases/quota-db/query",
        "{\"collection\":\"c\",\"limit\":1000}").json()).elements().size();
    assertThat(usage("documents")).isEqualTo(live).isEqualTo(created);
  }

  @Test
  void usageAndQuotaSurviveARestart() {
    settings("{\"max_documents\":2}");
    server.post(docs("quota-db", "c"), "{\"id\":\"a\",\"v\":\"" + "x".repeat(500) + "\"}");
    server.post(docs("quota-db", "c"), "{\"id\":\"b\"}");
    long bytes = usage("storage_bytes");
    server = server.restart();
    assertThat(usage("documents")).isEqualTo(2);
    assertThat(usage("storage_bytes")).isEqualTo(bytes);
    assertThat(server.post(docs("quota-db", "c"), "{\"id\":\"c\"}").errorCode()).isEqualTo("QUOTA_EXCEEDED");
  }

  private CompletableFuture<HttpResponse<String>> send(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
        .header("Authorization", "Bearer " + server.token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return server.http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
