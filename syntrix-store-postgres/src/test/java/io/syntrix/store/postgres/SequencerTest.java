package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.Write;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The change log sequenced from the replication slot on a real PostgreSQL: writers in several
 * stores (each its own pool, as processes would be) get gap-free seqs in commit-LSN order, each
 * write's acknowledged seq is its entry, and the log survives the sequencer's session being killed
 * (a standby or the same process takes over) and a restart, with no entry lost or repeated.
 */
class SequencerTest {
  private static final String DB = "db1";
  private final PostgresTestStores stores = new PostgresTestStores("sequencer");

  @AfterEach
  void drop() throws Exception {
    stores.close();
  }

  private static Write create(String id, int n) {
    return new Write.Create(DB, DocumentPath.of("c/" + id), (MapValue) Json.parse("{\"n\":" + n + "}"));
  }

  /** Writes from both stores at once; returns each write's acknowledged seq by document id. */
  private static Map<String, Long> writeConcurrently(List<PostgresDocumentStore> writers, int each, String tag,
                                                     Runnable midway) {
    List<CompletableFuture<ChangeEvent>> acks = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      if (i == each / 2) {
        midway.run();
      }
      for (int w = 0; w < writers.size(); w++) {
        String id = tag + w + "-" + i;
        ids.add(id);
        acks.add(writers.get(w).writeAsync(create(id, i)));
      }
    }
    Map<String, Long> seqs = new HashMap<>();
    for (int i = 0; i < acks.size(); i++) {
      seqs.put(ids.get(i), acks.get(i).orTimeout(60, TimeUnit.SECONDS).join().seq());
    }
    return seqs;
  }

  /** The log as sequenced: gap-free from 1, one entry per acknowledged write, under its seq, in commit order. */
  private void assertExactlyOnce(PostgresDocumentStore reader, Map<String, Long> acknowledged) throws Exception {
    long total = acknowledged.size();
    await().atMost(Duration.ofSeconds(30)).until(() -> reader.changeLog().lastSeq() >= total);
    List<ChangeEvent> log = reader.changeLog().read(0, (int) total + 10);
    assertThat(log).extracting(ChangeEvent::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    Map<String, Long> logged = new HashMap<>();
    for (ChangeEvent e : log) {
      assertThat(logged.put(e.path().id(), e.seq())).as("one entry for %s", e.path()).isNull();
    }
    assertThat(logged).isEqualTo(acknowledged);
    try (Connection c = DriverManager.getConnection(stores.jdbcUrl()); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT count(*) FROM (SELECT commit_lsn, lag(commit_lsn) OVER (ORDER BY seq) AS"
             + " previous FROM syntrix_changes) x WHERE previous > commit_lsn")) {
      r.next();
      assertThat(r.getLong(1)).as("entries whose commit LSN is below the one before them").isZero();
    }
  }

  @Test
  void writesFromTwoStoresGetGapFreeSeqsInCommitOrderAndAreAcknowledgedWithTheirOwn() throws Exception {
    PostgresDocumentStore a = stores.open();
    PostgresDocumentStore b = stores.open();
    Map<String, Long> acked = writeConcurrently(List.of(a, b), 300, "w", () -> { });
    assertExactlyOnce(b, acked);
    assertThat(a.isSequencing() ^ b.isSequencing()).as("exactly one of them sequences").isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.changeLog().lastSeq() == 600 && b.changeLog().lastSeq() == 600);
  }

  @Test
  void killingTheSequencersSessionsLosesAndRepeatsNothing() throws Exception {
    PostgresDocumentStore a = stores.open();
    PostgresDocumentStore b = stores.open();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.isSequencing() || b.isSequencing());
    Map<String, Long> acked = writeConcurrently(List.of(a, b), 400, "k", () -> {
      try (Connection c = DriverManager.getConnection(stores.jdbcUrl()); Statement s = c.createStatement();
           ResultSet r = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
               + " WHERE application_name = 'syntrix-sequencer' AND datname = current_database()")) {
        r.next();
        assertThat(r.getLong(1)).as("sessions of the sequencer killed").isPositive();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertExactlyOnce(a, acked);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.isSequencing() || b.isSequencing());
  }

  @Test
  void aRestartedStoreResumesTheLogWhereItStopped() throws Exception {
    PostgresDocumentStore first = stores.open();
    Map<String, Long> acked = new HashMap<>(writeConcurrently(List.of(first), 100, "r", () -> { }));
    first.close();
    PostgresDocumentStore again = stores.open();
    assertThat(again.changeLog().lastSeq()).isEqualTo(100);
    acked.putAll(writeConcurrently(List.of(again), 100, "s", () -> { }));
    assertExactlyOnce(again, acked);
  }
}
