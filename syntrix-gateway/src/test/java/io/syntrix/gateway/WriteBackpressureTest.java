package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saturated store refuses writes at once instead of freezing the event loop that submits them:
 * with the store's writing held still and its queue full, a write is answered 503 with
 * Retry-After while /health and reads keep answering; once the writing moves, the queued writes
 * all commit. What holds the writing is the engine's ({@link TestStorage#holdWrites}): RocksDB's
 * committer, or PostgreSQL's writer threads.
 */
class WriteBackpressureTest {
  private static final int QUEUE = 4;

  @TempDir
  Path dir;

  @Test
  void aFullWriteQueueIs503WithRetryAfterAndTheEventLoopsKeepAnswering() throws Exception {
    try (TestServer server = TestServer.withWriteQueueCapacity(dir, QUEUE)) {
      assertThat(server.post(docs("default", "notes"), "{\"id\":\"seen\"}").status()).isEqualTo(201);
      AutoCloseable hold = server.holdWrites("default");
      try {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < QUEUE + 3; i++) {
          sent.add(postAsync(server, "{\"id\":\"w" + i + "\"}"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.stream().filter(CompletableFuture::isDone).count() == 3);
        for (CompletableFuture<HttpResponse<String>> f : sent) {
          if (f.isDone()) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertThat(r.body()).contains("UNAVAILABLE").contains("write queue is full");
          }
        }
        assertThat(server.get("/health").status()).as("the event loops are free").isEqualTo(200);
        assertThat(server.get(docs("default", "notes/seen")).status()).isEqualTo(200);
        assertThat(server.get("/metrics").body()).contains("syntrix_writes_busy_total 3.0");
        List<CompletableFuture<HttpResponse<String>>> queued = sent.stream().filter(f -> !f.isDone()).toList();
        assertThat(queued).as("exactly the queue's capacity waits").hasSize(QUEUE);
        hold.close();
        for (CompletableFuture<HttpResponse<String>> w : queued) {
          assertThat(w.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
        }
      } finally {
        hold.close();
      }
    }
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(TestServer server, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port
            + docs("default", "notes")))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + server.token)
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return server.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }
}
