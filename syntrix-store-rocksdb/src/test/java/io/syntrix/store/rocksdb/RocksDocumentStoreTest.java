package io.syntrix.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.ChangeLogTruncatedException;
import io.syntrix.store.IndexRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import io.syntrix.testkit.MovableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the embedded engine has: recovery on reopen, retention, and a random workload audit. */
class RocksDocumentStoreTest {
  private static final String DB = "db";
  @TempDir
  Path dir;

  private static MapValue json(String s) {
    return (MapValue) Json.parse(s);
  }

  @Test
  void isHealthyWhileTheCommitterRuns() {
    RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
    try {
      store.create(DB, DocumentPath.of("c/a"), json("{}"));
      assertThat(store.isHealthy()).isTrue();
    } finally {
      store.close();
    }
    assertThat(store.isHealthy()).as("the committer stopped with the store").isFalse();
  }

  @Test
  void reopeningKeepsDocumentsAndContinuesTheSeq() {
    try (RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir))) {
      store.create(DB, DocumentPath.of("c/a"), json("{\"n\":1}"));
      store.create(DB, DocumentPath.of("c/b"), json("{\"n\":2}"));
    }
    try (RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir))) {
      assertThat(store.changeLog().lastSeq()).isEqualTo(2);
      assertThat(store.get(DB, DocumentPath.of("c/a")).orElseThrow().data()).isEqualTo(json("{\"n\":1}"));
      ChangeEvent next = store.write(new io.syntrix.store.Write.Create(DB, DocumentPath.of("c/c"), json("{}")));
      assertThat(next.seq()).isEqualTo(3);
      assertThat(next.timestamp()).isGreaterThanOrEqualTo(store.changeLog().read(0, 10).get(1).timestamp());
    }
  }

  @Test
  void retentionPurgesOldTombstonesAndLogEntriesButKeepsTheSeq() {
    MovableClock clock = new MovableClock();
    RocksStoreOptions options = RocksStoreOptions.defaults(dir).withRetention(Duration.ofDays(30));
    try (RocksDocumentStore store = RocksDocumentStore.open(options, clock)) {
      store.create(DB, DocumentPath.of("c/old"), json("{\"v\":1}"));
      store.delete(DB, DocumentPath.of("c/old"), List.of());
      store.create(DB, DocumentPath.of("c/live"), json("{\"v\":2}"));
      PurgeResult nothing = store.purgeExpired();
      assertThat(nothing.tombstonesPurged() + nothing.changesPurged()).isZero();

      clock.advance(Duration.ofDays(31));
      PurgeResult purged = store.purgeExpired();
      assertThat(purged.tombstonesPurged()).isEqualTo(1);
      assertThat(purged.changesPurged()).isEqualTo(3);
      assertThat(store.get(DB, DocumentPath.of("c/old"), true)).isEmpty();
      assertThat(store.get(DB, DocumentPath.of("c/live"))).isPresent();
      assertThat(store.changeLog().firstSeq()).isEqualTo(4);
      assertThatThrownBy(() -> store.changeLog().read(0, 10)).isInstanceOf(ChangeLogTruncatedException.class);
      assertThat(store.checkIntegrity().problems()).isEmpty();
      try (var versions = store.scanIndex(DB, DocumentPath.of("c/x").collection(), "version", IndexRange.ALL, false, null)) {
        assertThat(versions).toIterable().extracting(e -> e.docId()).containsExactly("live");
      }
    }
    try (RocksDocumentStore store = RocksDocumentStore.open(options, clock)) {
      assertThat(store.changeLog().lastSeq()).as("the seq survives a fully purged log").isEqualTo(3);
      assertThat(store.write(new io.syntrix.store.Write.Create(DB, DocumentPath.of("c/old"), json("{}"))).seq())
          .isEqualTo(4);
      assertThat(store.changeLog().read(3, 10)).hasSize(1);
    }
  }

  @Test
  void aRandomWorkloadKeepsIndexesAndLogConsistent() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir))) {
      String[] fields = {"a", "b", "c"};
      String[] values = {"1", "2.5", "\"x\"", "null", "true", "[1]", "{\"k\":1}"};
      for (int i = 0; i < 3000; i++) {
        DocumentPath p = DocumentPath.of((random.nextBoolean() ? "c" : "c/p/s") + "/d" + random.nextInt(40));
        StringBuilder body = new StringBuilder("{");
        for (String f : fields) {
          if (random.nextBoolean()) {
            body.append(body.length() > 1 ? "," : "").append('"').append(f).append("\":")
                .append(values[random.nextInt(values.length)]);
          }
        }
        MapValue data = json(body.append('}').toString());
        try {
          switch (random.nextInt(4)) {
            case 0 -> store.create(DB, p, data);
            case 1 -> store.replace(DB, p, data, List.of());
            case 2 -> store.patch(DB, p, data, List.of());
            default -> store.delete(DB, p, List.of());
          }
        } catch (io.syntrix.model.SyntrixException expected) {
          // not found, conflict or an empty patch: part of the workload
        }
      }
      IntegrityReport report = store.checkIntegrity();
      assertThat(report.problems()).as("seed %d", seed).isEmpty();
      assertThat(report.changeEntries()).isEqualTo(store.changeLog().lastSeq());
    }
  }
}
