package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on PostgreSQL while PostgreSQL goes away and comes back (issue 11, "bad input and
 * faults"), seen from a client over HTTP: writes answer 503 UNAVAILABLE with Retry-After, reads
 * 503, the process stays alive (/health), and once PostgreSQL is back the same server writes and
 * reads again by itself, with what was acknowledged before the outage still there and the change
 * log gap-free across it.
 */
class PostgresOutageTest {
  private static final String ADMIN_PASSWORD = "Admin-Password-1";
  private static final String DOCS = "/api/v1/databases/default/documents/notes";

  @TempDir
  Path dir;

  private static EmbeddedPostgres start(Path data, int port) throws Exception {
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("wal_level", "logical").setServerConfig("max_replication_slots", "4")
        .setServerConfig("max_wal_senders", "4").setServerConfig("fsync", "off")
        .setPGStartupWait(Duration.ofSeconds(60));
    if (port > 0) {
      b.setPort(port);
    }
    return b.start();
  }

  @Test
  void writesAndReadsAre503WhilePostgresIsDownAndTheSameServerRecovers() throws Exception {
    Path data = Files.createDirectories(dir.resolve("pg"));
    EmbeddedPostgres pg = start(data, 0);
    int port = pg.getPort();
    ServerConfig settings = ServerConfig.defaults()
        .with("127.0.0.1", "0", dir.resolve("data").toString(), null, null)
        .withRateLimit(false, 0, 0)
        .withNetwork(List.of(), List.of())
        .withIdentity(ADMIN_PASSWORD, null, 10)
        .withStore("postgres", "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
    Standalone server = Standalone.open(settings);
    try {
      ServerClient client = new ServerClient("http://127.0.0.1:" + server.start(settings));
      String token = client.login("syntrix", ADMIN_PASSWORD);
      assertThat(client.send("POST", DOCS, "{\"id\":\"before\"}", token).statusCode()).isEqualTo(201);

      pg.close();

      HttpResponse<String> write = client.send("POST", DOCS, "{\"id\":\"during\"}", token);
      assertThat(write.statusCode()).as(write.body()).isEqualTo(503);
      assertThat(write.headers().firstValue("Retry-After")).contains("1");
      assertThat(write.body()).contains("UNAVAILABLE");
      HttpResponse<String> read = client.send("GET", DOCS + "/before", null, token);
      assertThat(read.statusCode()).as(read.body()).isEqualTo(503);
      assertThat(client.send("GET", "/health", null, null).statusCode()).as("the process is alive").isEqualTo(200);

      pg = start(data, port);
      int[] attempt = {0};
      // A new id per attempt: one that committed but was not acknowledged must not make the next a conflict.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (client.send("POST", DOCS, "{\"id\":\"after" + attempt[0]++ + "\"}", token).statusCode() != 201) {
        assertThat(System.nanoTime()).as("writes work again within 60 s of PostgreSQL's restart").isLessThan(deadline);
        Thread.sleep(500);
      }
      assertThat(client.send("GET", DOCS + "/before", null, token).statusCode()).isEqualTo(200);
      assertThat(client.send("GET", DOCS + "/during", null, token).statusCode()).isEqualTo(404);

      HttpResponse<String> pulled = client.send("GET",
          "/replication/v1/databases/default/pull?collection=notes&checkpoint=0&limit=100", null, token);
      assertThat(pulled.statusCode()).as(pulled.body()).isEqualTo(200);
      assertThat(pulled.body()).contains("\"before\"").contains("\"after" + (attempt[0] - 1) + "\"")
          .doesNotContain("\"during\"");
    } finally {
      server.shutdown(5);
      pg.close();
    }
  }
}
