package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.Cursor;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.store.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read snapshots on PostgreSQL hand over to the change log exactly: what a snapshot shows is
 * precisely the entries up to its seq plus the later ones it {@link ReadSnapshot#includes}, so a
 * reader that follows it with the log, skipping those, sees every change once — checked for many
 * snapshots taken while two stores write (docs/design/postgres-changelog.md).
 */
class PostgresSnapshotTest {
  private static final String DB = "db1";
  private static final CollectionPath C = CollectionPath.of("c");
  private final PostgresTestStores stores = new PostgresTestStores("snapshot");

  @AfterEach
  void drop() throws Exception {
    stores.close();
  }

  private static MapValue json(String s) {
    return (MapValue) Json.parse(s);
  }

  private static <T> List<T> drain(Cursor<T> cursor) {
    List<T> out = new ArrayList<>();
    try (cursor) {
      cursor.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void aSnapshotSeesItsCommitsAndNotLaterOnes() {
    PostgresDocumentStore store = stores.open();
    store.create(DB, DocumentPath.of("c/a"), json("{\"v\":1}"));
    try (ReadSnapshot snapshot = store.snapshot()) {
      assertThat(snapshot.seq()).isEqualTo(1);
      store.patch(DB, DocumentPath.of("c/a"), json("{\"v\":2}"), List.of());
      store.create(DB, DocumentPath.of("c/b"), json("{\"v\":1}"));
      assertThat(snapshot.get(DB, DocumentPath.of("c/a")).orElseThrow().data()).isEqualTo(json("{\"v\":1}"));
      assertThat(snapshot.get(DB, DocumentPath.of("c/b"))).isEmpty();
      assertThat(drain(snapshot.scanCollection(DB, C, null, false))).hasSize(1);
      assertThat(drain(snapshot.scanIndex(DB, C, "v", IndexRange.ALL, false, null)))
          .extracting(IndexEntry::docId).containsExactly("a");
      assertThat(snapshot.includes(1)).isTrue();
      assertThat(snapshot.includes(2)).isFalse();
      assertThat(snapshot.includes(3)).isFalse();
      // An idle log settles as soon as the snapshot's mark is sequenced.
      await().atMost(Duration.ofSeconds(5)).until(() -> snapshot.settledThrough() >= 1);
      assertThat(store.changeLog().lastSeq()).as("a mark takes no seq").isEqualTo(3);
    }
    assertThat(store.get(DB, DocumentPath.of("c/a")).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void whatASnapshotShowsIsExactlyTheEntriesItIncludes() throws Exception {
    PostgresDocumentStore a = stores.open();
    PostgresDocumentStore b = stores.open();
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Thread> writers = new ArrayList<>();
    for (PostgresDocumentStore store : List.of(a, b)) {
      String tag = store == a ? "a" : "b";
      writers.add(Thread.ofPlatform().start(() -> {
        List<CompletableFuture<ChangeEvent>> inFlight = new ArrayList<>();
        for (int i = 0; writing.get() && i < 3_000; i++) {
          inFlight.add(store.writeAsync(new Write.Create(DB, C.document(tag + i), json("{}"))));
          if (inFlight.size() == 16) {
            inFlight.forEach(CompletableFuture::join);
            inFlight.clear();
          }
        }
        inFlight.forEach(CompletableFuture::join);
      }));
    }
    record Seen(ReadSnapshot snapshot, Set<String> ids) {}
    List<Seen> snapshots = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      Thread.sleep(25);
      try (ReadSnapshot snapshot = a.snapshot()) {
        Set<String> ids = new HashSet<>();
        drain(snapshot.scanCollection(DB, C, null, false)).forEach(d -> ids.add(d.path().id()));
        snapshots.add(new Seen(snapshot, ids));
      }
    }
    writing.set(false);
    for (Thread t : writers) {
      t.join();
    }
    // Everything is sequenced now (each store's follower has its own writes; a's reads go as far as
    // a's follower, so it must have b's too); a closed snapshot still answers includes().
    long last = Math.max(a.changeLog().lastSeq(), b.changeLog().lastSeq());
    await().atMost(Duration.ofSeconds(10)).until(() -> a.changeLog().lastSeq() >= last);
    List<ChangeEvent> log = a.changeLog().read(0, 10_000);
    assertThat(log).hasSize((int) a.changeLog().lastSeq());
    for (Seen seen : snapshots) {
      Set<String> expected = new HashSet<>();
      for (ChangeEvent e : log) {
        if (seen.snapshot().includes(e.seq())) {
          expected.add(e.path().id());
        }
      }
      assertThat(seen.ids()).as("documents of the snapshot at seq %d", seen.snapshot().seq()).isEqualTo(expected);
      long settled = seen.snapshot().settledThrough();
      assertThat(settled).as("settled once everything is sequenced").isGreaterThanOrEqualTo(seen.snapshot().seq());
      for (ChangeEvent e : log) {
        if (e.seq() > settled) {
          assertThat(seen.snapshot().includes(e.seq())).as("entry %d after settled %d", e.seq(), settled).isFalse();
        }
      }
    }
    assertThat(snapshots).extracting(seen -> seen.snapshot().seq()).isSorted();
  }
}
