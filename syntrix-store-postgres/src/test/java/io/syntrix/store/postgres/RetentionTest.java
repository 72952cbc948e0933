package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.ChangeLogTruncatedException;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.store.Write;
import io.syntrix.store.postgres.log.ChangeLogPurge;
import io.syntrix.testkit.MovableClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What retention on PostgreSQL adds to the contract: bounded steps, each its own transaction that
 * other processes see; readers in another process; the row lock deciding between a tombstone's
 * purge and a write recreating the document; and purging while the sequencer and writers run.
 */
class RetentionTest {
  private static final String DB = "app";
  private static final CollectionPath C = CollectionPath.of("c");
  private static final Duration RETENTION = Duration.ofDays(30);
  private final PostgresTestStores stores = new PostgresTestStores("retention");
  private final MovableClock clock = new MovableClock();

  @AfterEach
  void dropTheDatabase() throws Exception {
    stores.close();
  }

  private PostgresDocumentStore open() {
    return stores.open(PostgresStoreOptions.defaults(stores.jdbcUrl()).withRetention(RETENTION), clock);
  }

  private static MapValue json(String s) {
    return (MapValue) Json.parse(s);
  }

  private static Write create(String id, int n) {
    return new Write.Create(DB, C.document(id), json("{\"n\":" + n + "}"));
  }

  private static void joinAll(List<CompletableFuture<ChangeEvent>> writes) {
    writes.forEach(w -> w.orTimeout(60, TimeUnit.SECONDS).join());
  }

  @Test
  void aBacklogIsPurgedInBoundedStepsEachCommittedOnItsOwn() throws Exception {
    PostgresDocumentStore purger = open();
    PostgresDocumentStore other = open();
    List<CompletableFuture<ChangeEvent>> writes = new ArrayList<>();
    for (int i = 0; i < 350; i++) {
      writes.add(purger.writeAsync(create("d" + i, i)));
    }
    joinAll(writes);
    writes.clear();
    for (int i = 0; i < 250; i++) {
      writes.add(purger.writeAsync(new Write.Delete(DB, C.document("d" + i), List.of())));
    }
    joinAll(writes);
    clock.advance(RETENTION.plusDays(1));
    long cutoff = purger.retention().cutoff();

    List<Long> firstSeqs = new ArrayList<>();
    for (int step = 0; step < 10; step++) {
      ChangeLogPurge.Purged purged = purger.retention().purgeChanges(cutoff, 100).orElseThrow();
      assertThat(purged.entries()).isLessThanOrEqualTo(100);
      assertThat(other.changeLog().firstSeq()).as("each step is committed on its own, seen by another process")
          .isEqualTo(purged.firstSeq());
      firstSeqs.add(purged.firstSeq());
      if (purged.entries() < 100) {
        break;
      }
    }
    assertThat(firstSeqs).containsExactly(101L, 201L, 301L, 401L, 501L, 601L, 601L);

    PurgeResult rest = purger.retention().purgeExpired(100, 100);
    assertThat(rest).isEqualTo(new PurgeResult(250, 0, 1 + 3, false));
    assertThat(count("SELECT count(*) FROM syntrix_changes")).isZero();
    assertThat(count("SELECT count(*) FROM documents WHERE deleted")).isZero();
    assertThat(count("SELECT count(*) FROM documents")).isEqualTo(100);
    assertIndexMatchesDocuments(other);
  }

  @Test
  void aReaderInAnotherProcessSeesTheTruncation() {
    PostgresDocumentStore writer = open();
    PostgresDocumentStore reader = open();
    for (int i = 0; i < 10; i++) {
      writer.create(DB, C.document("d" + i), json("{}"));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> reader.changeLog().lastSeq() == 10);
    assertThat(reader.changeLog().read(0, 5)).hasSize(5);
    clock.advance(RETENTION.plusDays(1));
    assertThat(writer.purgeExpired().changesPurged()).isEqualTo(10);

    assertThat(reader.changeLog().firstSeq()).isEqualTo(11);
    assertThatThrownBy(() -> reader.changeLog().read(5, 10)).isInstanceOf(ChangeLogTruncatedException.class)
        .satisfies(e -> assertThat(((ChangeLogTruncatedException) e).firstRetainedSeq()).isEqualTo(11));
    assertThatThrownBy(() -> reader.changeLog().readCollection(5, 100, DB, C))
        .isInstanceOf(ChangeLogTruncatedException.class);
    assertThat(reader.changeLog().read(10, 10)).isEmpty();
    try (ReadSnapshot snapshot = reader.snapshot()) {
      assertThat(snapshot.seq()).as("a snapshot of a fully purged log still knows its seq").isEqualTo(10);
    }

    writer.create(DB, C.document("after"), json("{}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> reader.changeLog().lastSeq() == 11);
    assertThat(reader.changeLog().read(10, 10)).extracting(ChangeEvent::seq).containsExactly(11L);
  }

  @Test
  void aTombstoneAWriterHoldsIsSkippedAndTheWriterRecreatesIt() throws Exception {
    PostgresDocumentStore store = open();
    store.create(DB, C.document("x"), json("{\"n\":1}"));
    store.delete(DB, C.document("x"), List.of());
    clock.advance(RETENTION.plusDays(1));
    CompletableFuture<ChangeEvent> recreate;
    try (Connection writer = DriverManager.getConnection(stores.jdbcUrl())) {
      writer.setAutoCommit(false);
      lockRow(writer, "x"); // as a writer does first
      recreate = store.writeAsync(create("x", 2)); // waits behind that lock
      assertThat(store.purgeExpired().tombstonesPurged()).as("a locked tombstone is skipped").isZero();
      writer.rollback();
    }
    assertThat(recreate.orTimeout(30, TimeUnit.SECONDS).join().op()).isEqualTo(ChangeEvent.Op.CREATE);
    assertThat(count("SELECT count(*) FROM documents WHERE deleted")).isZero();
    assertThat(store.purgeExpired().tombstonesPurged()).as("a live document is never purged").isZero();
    assertThat(store.get(DB, C.document("x")).orElseThrow().data()).isEqualTo(json("{\"n\":2}"));
    assertIndexMatchesDocuments(store);
  }

  @Test
  void aWriterWaitingOnAPurgedTombstoneCreatesTheDocumentAfresh() throws Exception {
    PostgresDocumentStore store = open();
    store.create(DB, C.document("x"), json("{\"n\":1,\"tag\":\"old\"}"));
    store.delete(DB, C.document("x"), List.of());
    clock.advance(RETENTION.plusDays(1));
    CompletableFuture<ChangeEvent> recreate;
    try (Connection purge = DriverManager.getConnection(stores.jdbcUrl())) {
      purge.setAutoCommit(false);
      assertThat(TombstonePurge.step(purge, store.retention().cutoff(), 10)).isEqualTo(1); // holds the row, uncommitted
      recreate = store.writeAsync(create("x", 2));
      Thread.sleep(300);
      assertThat(recreate).as("the writer waits for the purge's row lock").isNotDone();
      purge.commit();
    }
    assertThat(recreate.orTimeout(30, TimeUnit.SECONDS).join().before()).as("created afresh").isNull();
    Document x = store.get(DB, C.document("x")).orElseThrow();
    assertThat(x.version()).isEqualTo(1);
    assertThat(x.data()).isEqualTo(json("{\"n\":2}"));
    assertIndexMatchesDocuments(store);
  }

  /**
   * Two stores recreate tombstones and write new documents while a third purges in small steps,
   * racing the sequencer for its row and the writers for the tombstones: no step fails, the log
   * stays gap-free from first_seq to last_seq, and documents and index entries agree.
   */
  @Test
  void purgingWhileWritersAndTheSequencerRunLosesNothing() throws Exception {
    PostgresDocumentStore a = open();
    PostgresDocumentStore b = open();
    PostgresDocumentStore purger = open();
    List<CompletableFuture<ChangeEvent>> writes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      writes.add((i % 2 == 0 ? a : b).writeAsync(create("t" + i, i)));
    }
    joinAll(writes);
    writes.clear();
    for (int i = 0; i < 200; i++) {
      writes.add((i % 2 == 0 ? a : b).writeAsync(new Write.Delete(DB, C.document("t" + i), List.of())));
    }
    joinAll(writes);
    writes.clear();
    Thread.sleep(20);
    clock.set(Instant.now().plus(RETENTION)); // everything so far has expired, nothing written from now on
    Thread.sleep(20);

    AtomicBoolean writing = new AtomicBoolean(true);
    long cutoff = purger.retention().cutoff();
    CompletableFuture<PurgeResult> purging = CompletableFuture.supplyAsync(() -> {
      long changes = 0;
      long tombstones = 0;
      int transactions = 0;
      boolean more = true;
      while (writing.get() || more) { // alternating small steps, so both races run from the start
        long c = purger.retention().purgeChanges(cutoff, 10).orElseThrow().entries();
        int t = purger.retention().purgeTombstones(cutoff, 5).orElseThrow();
        changes += c;
        tombstones += t;
        transactions += 2;
        more = c > 0 || t > 0;
      }
      return new PurgeResult(tombstones, changes, transactions, false);
    });
    for (int i = 0; i < 200; i++) {
      writes.add((i % 2 == 0 ? b : a).writeAsync(create("t" + i, 1000 + i)));
      writes.add((i % 2 == 0 ? a : b).writeAsync(create("n" + i, i)));
    }
    joinAll(writes);
    writing.set(false);
    PurgeResult purged = purging.get(60, TimeUnit.SECONDS);

    assertThat(purged.changesPurged()).as("the expired prefix, and nothing after it").isEqualTo(400);
    long first = count("SELECT first_seq FROM syntrix_sequencer");
    long last = count("SELECT last_seq FROM syntrix_sequencer");
    assertThat(first).isEqualTo(401);
    assertThat(last).as("no sequencer update lost").isEqualTo(800);
    assertThat(count("SELECT count(*) FROM syntrix_changes WHERE seq BETWEEN 401 AND 800")).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM syntrix_changes")).isEqualTo(400);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.changeLog().lastSeq() == 800);
    assertThat(a.changeLog().read(400, 1000)).hasSize(400);
    for (int i = 0; i < 200; i++) {
      assertThat(a.get(DB, C.document("t" + i)).orElseThrow().data()).isEqualTo(json("{\"n\":" + (1000 + i) + "}"));
    }
    assertThat(count("SELECT count(*) FROM documents WHERE NOT deleted")).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM documents WHERE deleted")).as("every tombstone was recreated").isZero();
    assertThat(purged.tombstonesPurged()).as("tombstones purged before their recreation").isBetween(0L, 200L);
    assertIndexMatchesDocuments(a);
  }

  private static void lockRow(Connection c, String id) throws Exception {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT 1 FROM documents WHERE db = ? AND collection = ? AND id = ? FOR UPDATE")) {
      s.setString(1, DB);
      s.setString(2, C.value());
      s.setString(3, id);
      s.executeQuery().close();
    }
  }

  /**
   * Every stored document, live or tombstone, has exactly its entries and no others are left: the
   * version index names each once with its version, and the entry count is what the documents hold
   * (three system fields and each data field; none here overflows).
   */
  private void assertIndexMatchesDocuments(PostgresDocumentStore store) throws Exception {
    Map<String, Long> versions = new HashMap<>();
    try (var cursor = store.scanCollection(DB, C, null, true, false)) {
      cursor.forEachRemaining(d -> versions.put(d.id(), d.version()));
    }
    Map<String, Long> indexed = new HashMap<>();
    try (var cursor = store.scanIndex(DB, C, "version", IndexRange.ALL, false, null)) {
      cursor.forEachRemaining((IndexEntry e) -> assertThat(indexed.put(e.docId(), ((IntegerValue) e.value()).value()))
          .as("one version entry for %s", e.docId()).isNull());
    }
    assertThat(indexed).isEqualTo(versions);
    assertThat(count("SELECT count(*) FROM index_entries")).isEqualTo(
        count("SELECT coalesce(sum(3 + (SELECT count(*) FROM json_object_keys(data))), 0) FROM documents"));
    assertThat(count("SELECT count(*) FROM overflow_entries")).isZero();
  }

  private long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(stores.jdbcUrl()); Statement s = c.createStatement();
         ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
