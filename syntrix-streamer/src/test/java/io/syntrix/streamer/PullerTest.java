package io.syntrix.streamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.Write;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import io.syntrix.testkit.MovableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The puller on the real store: once, in order, from a position that survives restarts. */
class PullerTest {
  static final String DB = "db1";
  static final MapValue DATA = (MapValue) Json.parse("{\"x\":1}");

  @TempDir
  Path dir;
  RocksDocumentStore store;

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  /** Records what it is handed; truncations too. */
  static class Recorder implements Puller.Consumer {
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    final List<String> truncations = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    @Override
    public void accept(ChangeEvent change) {
      seqs.add(change.seq());
    }

    @Override
    public void truncated(long position, long firstRetained) {
      truncations.add(position + ".." + firstRetained);
    }

    @Override
    public void failed(ChangeEvent change, RuntimeException error) {
      failures.add(change.seq() + ": " + error.getMessage());
    }
  }

  StreamerOptions options(Checkpoint checkpoint) {
    return StreamerOptions.defaults().withCheckpoint(checkpoint).withReadBatch(64)
        .withCheckpointInterval(Duration.ofMillis(20));
  }

  void write(int count, String prefix) {
    for (int i = 0; i < count; i++) {
      store.write(new Write.Replace(DB, DocumentPath.of("c/" + prefix + (i % 37)), DATA, List.of()));
    }
  }

  @Test
  void handsEveryChangeOnceInSeqOrderWhileWritersRace() throws Exception {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("db")));
    Recorder recorder = new Recorder();
    try (Puller puller = new Puller(store.changeLog(), options(Checkpoint.inMemory()), 0, recorder)) {
      puller.start();
      Thread[] writers = new Thread[3];
      for (int w = 0; w < writers.length; w++) {
        String prefix = "w" + w + "-";
        writers[w] = Thread.ofPlatform().start(() -> write(700, prefix));
      }
      for (Thread t : writers) {
        t.join();
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.seqs.size() >= 2_100);
      assertThat(puller.position()).isEqualTo(2_100);
    }
    assertThat(recorder.seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 2_100).boxed().toList());
  }

  @Test
  void positionSurvivesARestartAndNothingIsSkipped() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("db")));
    Checkpoint checkpoint = Checkpoint.file(dir.resolve("streamer/position"));
    write(100, "a");
    assertThat(Puller.startPosition(store.changeLog(), checkpoint)).as("no record: the head").isEqualTo(100);
    Recorder first = new Recorder();
    try (Puller puller = new Puller(store.changeLog(), options(checkpoint), 100, first)) {
      puller.start();
      write(50, "b");
      await().atMost(Duration.ofSeconds(10)).until(() -> first.seqs.size() == 50);
    }
    assertThat(checkpoint.load()).isEqualTo(OptionalLong.of(150));
    write(30, "c"); // while no puller runs
    long start = Puller.startPosition(store.changeLog(), checkpoint);
    assertThat(start).isEqualTo(150);
    Recorder second = new Recorder();
    try (Puller puller = new Puller(store.changeLog(), options(checkpoint), start, second)) {
      puller.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> second.seqs.size() == 30);
    }
    assertThat(first.seqs).containsExactlyElementsOf(LongStream.rangeClosed(101, 150).boxed().toList());
    assertThat(second.seqs).containsExactlyElementsOf(LongStream.rangeClosed(151, 180).boxed().toList());
    assertThat(checkpoint.load()).isEqualTo(OptionalLong.of(180));
  }

  @Test
  void checkpointIsRecordedPeriodicallyWhileRunning() throws Exception {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("db")));
    Path file = dir.resolve("position");
    try (Puller puller = new Puller(store.changeLog(), options(Checkpoint.file(file)), 0, new Recorder())) {
      puller.start();
      write(10, "a");
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file)
          && Files.readString(file).strip().equals("10"));
    }
  }

  @Test
  void aCheckpointAheadOfTheLogStartsAtTheHead() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("db")));
    write(5, "a");
    Checkpoint checkpoint = Checkpoint.inMemory();
    checkpoint.store(1_000);
    assertThat(Puller.startPosition(store.changeLog(), checkpoint)).isEqualTo(5);
  }

  @Test
  void aChangeThatKeepsFailingIsGivenUpAfterItsAttemptsAndOneThatRecoversIsNot() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("db")));
    java.util.Map<Long, Integer> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    Recorder recorder = new Recorder() {
      @Override
      public void accept(ChangeEvent change) {
        int attempt = attempts.merge(change.seq(), 1, Integer::sum);
        if (change.seq() == 3 || (change.seq() == 5 && attempt < Puller.ATTEMPTS)) {
          throw new IllegalStateException("cannot process " + change.seq());
        }
        super.accept(change);
      }
    };
    write(6, "a");
    try (Puller puller = new Puller(store.changeLog(), options(Checkpoint.inMemory()).withRetryPause(Duration.ofMillis(5)),
        0, recorder)) {
      puller.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> puller.position() == 6);
    }
    assertThat(recorder.seqs).containsExactly(1L, 2L, 4L, 5L, 6L);
    assertThat(recorder.failures).containsExactly("3: cannot process 3");
    assertThat(attempts).containsEntry(3L, Puller.ATTEMPTS).containsEntry(5L, Puller.ATTEMPTS).containsEntry(6L, 1);
  }

  @Test
  void fallingBehindRetentionIsReportedAndSkipped() {
    MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("db")).withRetention(Duration.ofMinutes(1)),
        clock);
    write(20, "a");
    clock.set(Instant.now().plus(Duration.ofDays(1))); // every entry is now older than the retention
    while (store.purgeExpired().more()) {
      // purge in rounds
    }
    write(5, "b");
    assertThat(store.changeLog().firstSeq()).isEqualTo(21);
    Recorder recorder = new Recorder();
    try (Puller puller = new Puller(store.changeLog(), options(Checkpoint.inMemory()), 3, recorder)) {
      puller.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs.size() == 5);
    }
    assertThat(recorder.truncations).containsExactly("3..21");
    assertThat(recorder.seqs).containsExactly(21L, 22L, 23L, 24L, 25L);
  }
}
