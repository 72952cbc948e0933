package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Filter;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.StoreException;
import io.syntrix.store.Write;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What PostgreSQL adds to the contracts: several processes (here: stores with pools of their own)
 * writing one database, restarts, a full write queue, and the change record each write puts into
 * the WAL for the sequencer.
 */
class PostgresDocumentStoreTest {
  private static final String DB = "app";
  private static final CollectionPath C = CollectionPath.of("c");
  private final PostgresTestStores stores = new PostgresTestStores("store");

  @AfterEach
  void dropTheDatabase() throws Exception {
    stores.close();
  }

  @Test
  void aRestartedStoreKeepsDocumentsIndexesSystemRecordsAndUsage() {
    PostgresDocumentStore first = stores.open();
    first.create(DB, C.document("a"), json("{\"n\":1,\"big\":\"" + "x".repeat(2000) + "\"}"));
    first.create(DB, C.document("b"), json("{\"n\":2}"));
    first.delete(DB, C.document("b"), List.of());
    first.system().compareAndPut("users", "alice", 0, json("{\"role\":\"admin\"}"));
    var usage = first.usage(DB);
    first.close();

    PostgresDocumentStore second = stores.open();
    assertThat(second.get(DB, C.document("a")).orElseThrow().data().get("n")).isEqualTo(IntegerValue.of(1));
    assertThat(second.get(DB, C.document("b"), true).orElseThrow().deleted()).isTrue();
    assertThat(drain(second.scanIndex(DB, C, "big", IndexRange.ALL, false, null))).extracting(IndexEntry::docId)
        .as("an overflow entry").containsExactly("a");
    assertThat(second.system().get("users", "alice").orElseThrow().version()).isEqualTo(1);
    assertThat(second.usage(DB)).isEqualTo(usage);
    assertThat(usage.documents()).isEqualTo(1);
    assertThat(second.write(new Write.Patch(DB, C.document("a"), json("{\"n\":3}"), List.of())).seq())
        .as("seqs continue").isEqualTo(4);
  }

  /**
   * Optimistic increments from two stores at once, each guarded by {@code ifMatch} on the version
   * it read: a lost update would leave the counter below the number of successful writes.
   */
  @Test
  void twoStoresIncrementingOneDocumentUnderIfMatchLoseNoUpdate() throws Exception {
    PostgresDocumentStore a = stores.open();
    PostgresDocumentStore b = stores.open();
    a.create(DB, C.document("counter"), json("{\"n\":0}"));
    AtomicInteger applied = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (PostgresDocumentStore store : List.of(a, b, a, b)) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 25; i++) {
          while (true) {
            Document d = store.get(DB, C.document("counter")).orElseThrow();
            long n = ((IntegerValue) d.data().get("n")).value();
            List<Filter> ifMatch = Filter.listFromValue(Json.parse(
                "[{\"field\":\"version\",\"op\":\"==\",\"value\":" + d.version() + "}]"));
            try {
              store.patch(DB, C.document("counter"), json("{\"n\":" + (n + 1) + "}"), ifMatch);
              applied.incrementAndGet();
              break;
            } catch (SyntrixException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
              refused.incrementAndGet();
            }
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    Document end = b.get(DB, C.document("counter")).orElseThrow();
    assertThat(applied.get()).isEqualTo(100);
    assertThat(end.data().get("n")).isEqualTo(IntegerValue.of(100));
    assertThat(end.version()).isEqualTo(101);
    assertThat(refused.get()).as("the stores did race").isPositive();
  }

  /** Both stores create the same documents at once: one create of each wins, usage counts each once. */
  @Test
  void twoStoresCreatingTheSameDocumentsLetExactlyOneWinAndCountExactly() throws Exception {
    PostgresDocumentStore a = stores.open();
    PostgresDocumentStore b = stores.open();
    List<CompletableFuture<ChangeEvent>> writes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      for (PostgresDocumentStore store : List.of(a, b)) {
        writes.add(store.writeAsync(new Write.Create(DB, C.document("d" + i), json("{\"i\":" + i + "}"))));
      }
    }
    List<ChangeEvent> won = new ArrayList<>();
    int conflicts = 0;
    for (CompletableFuture<ChangeEvent> w : writes) {
      try {
        won.add(w.join());
      } catch (CompletionException e) {
        assertThat(((SyntrixException) e.getCause()).code()).isEqualTo(ErrorCode.CONFLICT);
        conflicts++;
      }
    }
    assertThat(won).hasSize(100);
    assertThat(conflicts).isEqualTo(100);
    assertThat(won.stream().mapToLong(ChangeEvent::seq).sorted().toArray())
        .as("one seq per committed write, none for the refused").containsExactly(LongStream.rangeClosed(1, 100).toArray());
    assertUsageIsARecount();
    assertThat(a.usage(DB).documents()).isEqualTo(100);

    // Judged writes across stores: what one store judged is refused once the other changed it.
    b.patch(DB, C.document("d0"), json("{\"i\":-1}"), List.of());
    assertThatThrownBy(() -> a.write(new Write.Judged(new Write.Delete(DB, C.document("d0"), List.of()), 1)))
        .isInstanceOf(StoreException.Changed.class);
  }

  /** Creates, replaces and deletes over 20 ids from two stores, within a quota: usage equals a recount. */
  @Test
  void usageStaysExactWithTwoStoresWritingOneDatabase() {
    PostgresDocumentStore a = stores.open();
    PostgresDocumentStore b = stores.open();
    java.util.Random random = new java.util.Random(7);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    DatabaseQuota quota = new DatabaseQuota(15, 0);
    for (int i = 0; i < 600; i++) {
      DocumentPath p = C.document("d" + random.nextInt(20));
      Write w = switch (random.nextInt(3)) {
        case 0 -> new Write.Create(DB, p, json("{\"n\":" + i + "}"));
        case 1 -> new Write.Replace(DB, p, json("{\"s\":\"" + "x".repeat(random.nextInt(3000)) + "\"}"), List.of());
        default -> new Write.Delete(DB, p, List.of());
      };
      writes.add((i % 2 == 0 ? a : b).writeAsync(w, quota).exceptionally(e -> null));
    }
    writes.forEach(CompletableFuture::join);
    assertUsageIsARecount();
    assertThat(a.usage(DB).documents()).isLessThanOrEqualTo(15);
  }

  @Test
  void aFullWriteQueueRefusesAtOnceAndTheQueuedWritesStillCommit() throws Exception {
    PostgresDocumentStore store = stores.open(PostgresStoreOptions.defaults(stores.jdbcUrl()).withPool(2, 1)
        .withWriteQueueCapacity(2));
    store.create(DB, C.document("hot"), json("{}"));
    try (Connection blocker = DriverManager.getConnection(stores.jdbcUrl())) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("SELECT 1 FROM documents WHERE id = 'hot' FOR UPDATE"); // the one writer will wait on this
      }
      List<CompletableFuture<ChangeEvent>> writes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        writes.add(store.writeAsync(new Write.Patch(DB, C.document("hot"), json("{\"i\":" + i + "}"), List.of())));
        Thread.sleep(i == 0 ? 200 : 0); // let the writer take the first and block
      }
      assertThat(writes.subList(3, 6)).allSatisfy(f -> {
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).hasCauseInstanceOf(StoreException.Busy.class);
      });
      blocker.rollback();
      for (CompletableFuture<ChangeEvent> f : writes.subList(0, 3)) {
        assertThat(f.join().after().version()).isBetween(2L, 4L);
      }
    }
  }

  /**
   * The record the sequencer consumes: read back through a pgoutput slot (as the sequencer will),
   * one {@code syntrix.change} message per committed write, carrying the transaction id the store
   * asked {@link Sequencing} about and the change without its seq; a refused write leaves none.
   */
  @Test
  void eachCommittedWriteEmitsItsChangeIntoTheWal() throws Exception {
    PostgresDocumentStore store = stores.open();
    try (Connection c = DriverManager.getConnection(stores.jdbcUrl()); Statement s = c.createStatement()) {
      s.execute("CREATE PUBLICATION test_pub");
      s.execute("SELECT pg_create_logical_replication_slot('test_slot', 'pgoutput')");
      try {
        ChangeEvent created = store.write(new Write.Create(DB, C.document("a"), json("{\"v\":1}")));
        assertThatThrownBy(() -> store.create(DB, C.document("a"), json("{}"))).isInstanceOf(SyntrixException.class);
        ChangeEvent deleted = store.write(new Write.Delete(DB, C.document("a"), List.of()));
        List<ChangeMessage.Decoded> messages = new ArrayList<>();
        List<Long> xids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT xid, data FROM pg_logical_slot_get_binary_changes('test_slot',"
            + " NULL, NULL, 'proto_version', '1', 'publication_names', 'test_pub', 'messages', 'true')")) {
          while (rs.next()) {
            byte[] data = rs.getBytes(2);
            if (data[0] == 'M') {
              messages.add(pgoutputMessage(data));
              xids.add(rs.getLong(1));
            }
          }
        }
        assertThat(messages).hasSize(2);
        assertThat(messages).extracting(m -> m.change().op()).containsExactly(ChangeEvent.Op.CREATE, ChangeEvent.Op.DELETE);
        assertThat(messages.get(0).change()).isEqualTo(withSeq(created, 0));
        assertThat(messages.get(1).change()).isEqualTo(withSeq(deleted, 0));
        for (int i = 0; i < 2; i++) {
          assertThat(messages.get(i).xid() & 0xFFFF_FFFFL).as("the full xid of the transaction").isEqualTo(xids.get(i));
        }
      } finally {
        s.execute("SELECT pg_drop_replication_slot('test_slot')");
      }
    }
  }

  /** pgoutput's Message: 'M', flags, LSN, prefix (C string), length, content (no xid outside streaming). */
  private static ChangeMessage.Decoded pgoutputMessage(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    b.get(); // 'M'
    assertThat(b.get()).as("transactional").isEqualTo((byte) 1);
    b.getLong();
    int start = b.position();
    while (b.get() != 0) {
      // the prefix
    }
    assertThat(new String(data, start, b.position() - 1 - start, StandardCharsets.UTF_8)).isEqualTo(ChangeMessage.PREFIX);
    byte[] content = new byte[b.getInt()];
    b.get(content);
    return ChangeMessage.decode(content);
  }

  private static ChangeEvent withSeq(ChangeEvent e, long seq) {
    return new ChangeEvent(seq, e.database(), e.path(), e.op(), e.before(), e.after(), e.timestamp());
  }

  /** database_usage (the sum of its shards) against a count of the live rows and their stored bytes. */
  private void assertUsageIsARecount() {
    try (Connection c = DriverManager.getConnection(stores.jdbcUrl()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM documents WHERE db = '" + DB + "' AND NOT deleted),"
             + " (SELECT coalesce(sum(stored_bytes), 0) FROM documents WHERE db = '" + DB + "' AND NOT deleted),"
             + " (SELECT sum(documents) FROM database_usage WHERE db = '" + DB + "'),"
             + " (SELECT sum(storage_bytes) FROM database_usage WHERE db = '" + DB + "')")) {
      rs.next();
      assertThat(rs.getLong(3)).as("documents").isEqualTo(rs.getLong(1));
      assertThat(rs.getLong(4)).as("storage bytes").isEqualTo(rs.getLong(2));
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static MapValue json(String json) {
    return (MapValue) Json.parse(json);
  }

  private static <T> List<T> drain(io.syntrix.store.Cursor<T> cursor) {
    try (cursor) {
      List<T> out = new ArrayList<>();
      cursor.forEachRemaining(out::add);
      return out;
    }
  }
}
