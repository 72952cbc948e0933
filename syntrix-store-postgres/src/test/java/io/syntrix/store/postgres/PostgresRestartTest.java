package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.Write;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops and comes back under a running store (a server of its own, not the shared
 * one): while it is down writes and reads fail at once as UNAVAILABLE (the gateway's 503 with
 * Retry-After), the store keeps running, and once it is back writes succeed and the change log
 * goes on from where it was — nothing acknowledged lost, no seq repeated.
 */
class PostgresRestartTest {
  @TempDir
  Path dir;

  private static EmbeddedPostgres start(Path data, int port) throws Exception {
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
        .setServerConfig("wal_level", "logical").setServerConfig("max_replication_slots", "4")
        .setServerConfig("max_wal_senders", "4").setServerConfig("fsync", "off")
        .setPGStartupWait(java.time.Duration.ofSeconds(60)); // a loaded 2-core machine can take more than 10 s
    if (port > 0) {
      b.setPort(port);
    }
    return b.start();
  }

  private static Write create(String id) {
    return new Write.Create("db1", DocumentPath.of("c/" + id), (MapValue) Json.parse("{}"));
  }

  @Test
  void writesAndReadsAreUnavailableWhileItIsDownAndTheLogGoesOnAfter() throws Exception {
    Path data = Files.createDirectories(dir.resolve("pg"));
    EmbeddedPostgres pg = start(data, 0);
    int port = pg.getPort();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    PostgresDocumentStore store = new PostgresDocumentStore(PostgresStoreOptions.defaults(url));
    try {
      assertThat(store.write(create("before")).seq()).isEqualTo(1);
      pg.close();

      assertThatThrownBy(() -> store.write(create("during")))
          .isInstanceOfSatisfying(SyntrixException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
      assertThatThrownBy(() -> store.get("db1", DocumentPath.of("c/before")))
          .isInstanceOfSatisfying(SyntrixException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
      assertThat(store.isHealthy()).as("the store itself keeps running").isTrue();

      pg = start(data, port);
      int[] attempt = {0};
      // A new id per attempt: an attempt that committed but was not acknowledged must not turn the next into a conflict.
      ChangeEvent after = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .ignoreExceptionsInstanceOf(CompletionException.class).ignoreExceptionsInstanceOf(SyntrixException.class)
          .until(() -> store.write(create("after" + attempt[0]++)), e -> e != null);
      assertThat(store.get("db1", DocumentPath.of("c/before"))).isPresent();
      assertThat(store.get("db1", DocumentPath.of("c/during"))).isEmpty();
      await().atMost(Duration.ofSeconds(10)).until(() -> store.changeLog().lastSeq() >= after.seq());
      List<ChangeEvent> log = store.changeLog().read(0, 100);
      assertThat(log).extracting(ChangeEvent::seq)
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, log.size()).boxed().toList());
      assertThat(log.get(0).path().id()).isEqualTo("before");
      assertThat(log.get(log.size() - 1)).isEqualTo(after);
      assertThat(log).extracting(e -> e.path().id()).doesNotHaveDuplicates().allMatch(id -> !id.equals("during"));
    } finally {
      store.close();
      pg.close();
    }
  }
}
