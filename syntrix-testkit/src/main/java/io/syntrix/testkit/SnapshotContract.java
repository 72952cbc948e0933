package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.store.Write;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Read snapshots and the change log agree: a snapshot at seq S holds exactly the commits up to S,
 * so a realtime snapshot followed by the entries after S shows each change once (D8).
 */
public abstract class SnapshotContract extends StoreContractSupport {

  @Test
  void aSnapshotSeesExactlyTheCommitsUpToItsSeq() {
    store.create(DB, path("c/a"), json("{\"v\":1}"));
    try (io.syntrix.store.ReadSnapshot snapshot = store.snapshot()) {
      assertThat(snapshot.seq()).isEqualTo(1);
      store.patch(DB, path("c/a"), json("{\"v\":2}"), List.of());
      store.create(DB, path("c/b"), json("{\"v\":1}"));
      assertThat(snapshot.get(DB, path("c/a")).orElseThrow().data()).isEqualTo(json("{\"v\":1}"));
      assertThat(snapshot.get(DB, path("c/b"))).isEmpty();
      assertThat(drain(snapshot.scanCollection(DB, path("c/a").collection(), null, false))).hasSize(1);
      assertThat(drain(snapshot.scanIndex(DB, path("c/a").collection(), "v", io.syntrix.store.IndexRange.ALL, false, null)))
          .extracting(io.syntrix.store.IndexEntry::docId).containsExactly("a");
    }
    assertThat(store.get(DB, path("c/a")).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void snapshotsTakenWhileWritesFlowNeverHoldHalfAGroup() throws Exception {
    int total = 2000;
    Thread writer = Thread.ofPlatform().start(() -> {
      for (int i = 0; i < total; i++) {
        store.writeAsync(new Write.Create(DB, path("c/d" + i), json("{}")));
      }
    });
    long last = -1;
    while (last < total) {
      try (io.syntrix.store.ReadSnapshot snapshot = store.snapshot()) {
        long visible = drain(snapshot.scanCollection(DB, path("c/x").collection(), null, false)).size();
        assertThat(visible).as("documents visible at seq %d", snapshot.seq()).isEqualTo(snapshot.seq());
        assertThat(snapshot.seq()).isGreaterThanOrEqualTo(Math.max(last, 0));
        last = snapshot.seq();
      }
      if (last < total) {
        store.changeLog().awaitAfter(last, 5, TimeUnit.SECONDS);
      }
    }
    writer.join();
  }
}
