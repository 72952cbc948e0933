package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.IntegerValue;
import io.syntrix.model.StringValue;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Liveness, readiness and the Prometheus metrics the issue names. */
class OpsApiTest {
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

  @Test
  void readyReportsTheChangeLogPosition() {
    server.post(docs("default", "c"), "{\"id\":\"a\"}");
    var r = server.get("/ready");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.object().get("status")).isEqualTo(new StringValue("ready"));
    assertThat(r.object().get("seq")).isEqualTo(IntegerValue.of(1));
  }

  /** A dead puller is not a dead process: the probe that routes traffic says so, liveness does not. */
  @Test
  void readyAnswers503WithAReasonOnceTheStreamerStopsWhileHealthStaysUp() {
    server.streamer.close();
    var ready = server.get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.object().get("status")).isEqualTo(new StringValue("unavailable"));
    assertThat(ready.string("reason")).contains("streamer").contains("not running");
    assertThat(server.get("/health").status()).isEqualTo(200);
  }

  @Test
  void metricsCountRequestsByRouteDocumentsWrittenAndTheSeq() {
    server.post(docs("default", "c"), "{\"id\":\"a\"}");
    server.post(docs("default", "c"), "{\"id\":\"b\"}");
    server.delete(docs("default", "c/a"), null);
    server.get(docs("default", "c/zzz"));
    var r = server.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.body())
        .contains("syntrix_documents_written_total{op=\"create\"} 2.0")
        .contains("syntrix_documents_written_total{op=\"delete\"} 1.0")
        .contains("syntrix_changelog_seq 3.0")
        .containsPattern("syntrix_http_server_requests_seconds_count\\{method=\"POST\",route=\"documents.create\",status=\"201\"} 2")
        .containsPattern("syntrix_http_server_requests_seconds_count\\{method=\"GET\",route=\"documents.get\",status=\"404\"} 1")
        .contains("syntrix_http_server_requests_seconds_bucket");
  }
}
