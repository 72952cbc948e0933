package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.store.postgres.EmbeddedPostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The standalone wiring in-process, on a free port, on each engine: one metrics registry for
 * gateway and streamer, and /ready watching the streamer's puller.
 */
class StandaloneTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {ServerConfig.ROCKSDB, ServerConfig.POSTGRES})
  void metricsServeTheStreamerMetersBesideTheGatewaysAndReadyWatchesThePuller(String engine) throws Exception {
    EmbeddedPostgresServer.TestDatabase database = engine.equals(ServerConfig.POSTGRES)
        ? EmbeddedPostgresServer.shared().createDatabase("standalone") : null;
    ServerConfig settings = ServerConfig.defaults()
        .with("127.0.0.1", "0", dir.resolve("data").toString(), null, null)
        .withRateLimit(false, 0, 0)
        .withNetwork(List.of(), List.of())
        .withIdentity("Admin-Password-1", null, 10);
    if (database != null) {
      settings = settings.withStore(ServerConfig.POSTGRES, database.jdbcUrl());
    }
    Standalone server = Standalone.open(settings);
    String base = "http://127.0.0.1:" + server.start(settings); // closes what it opened if it fails
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("syntrix_changelog_seq")
          .containsPattern("(?m)^syntrix_streamer_position ")
          .containsPattern("(?m)^syntrix_streamer_queue_bytes\\{gateway=\"gateway-[^\"]+\"} 0")
          .containsPattern("(?m)^syntrix_streamer_lag_seqs ")
          .containsPattern("(?m)^syntrix_streamer_changes_failed_total ");
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

      server.streamer().close();
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("\"reason\":\"the streamer's puller is not running");
    } finally {
      server.shutdown(1);
      if (database != null) {
        database.close();
      }
    }
  }
}
