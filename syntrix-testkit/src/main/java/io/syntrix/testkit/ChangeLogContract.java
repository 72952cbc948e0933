package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.store.Write;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The change log: one entry per committed write, gap-free seqs, reads from any seq, tailing without polling. */
public abstract class ChangeLogContract extends StoreContractSupport {

  @Test
  void everyCommittedWriteAppendsOneEntryAndFailedWritesNone() {
    store.create(DB, path("c/a"), json("{\"x\":1}"));
    try {
      store.create(DB, path("c/a"), json("{\"x\":2}"));
    } catch (RuntimeException expected) {
      // conflict: must not consume a seq
    }
    store.patch(DB, path("c/a"), json("{\"x\":3}"), List.of());
    store.delete(DB, path("c/a"), List.of());
    store.create("db2", path("c/b"), json("{}"));
    List<ChangeEvent> log = store.changeLog().read(0, 100);
    assertThat(log).extracting(ChangeEvent::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(log).extracting(ChangeEvent::op).containsExactly(Op.CREATE, Op.UPDATE, Op.DELETE, Op.CREATE);
    assertThat(log).extracting(ChangeEvent::database).containsExactly(DB, DB, DB, "db2");
    assertThat(log.get(1).before().data()).isEqualTo(json("{\"x\":1}"));
    assertThat(log.get(1).after().data()).isEqualTo(json("{\"x\":3}"));
    assertThat(log.get(2).after().deleted()).isTrue();
    assertThat(log.get(2).after().version()).isEqualTo(3);
    assertThat(log).extracting(ChangeEvent::timestamp).isSorted();
    assertThat(store.changeLog().lastSeq()).isEqualTo(4);
    assertThat(store.changeLog().firstSeq()).isEqualTo(1);
  }

  @Test
  void readsStartAnywhereAndStopAtMax() {
    for (int i = 0; i < 20; i++) {
      store.create(DB, path("c/d" + i), json("{}"));
    }
    assertThat(store.changeLog().read(7, 5)).extracting(ChangeEvent::seq).containsExactly(8L, 9L, 10L, 11L, 12L);
    assertThat(store.changeLog().read(18, 100)).extracting(ChangeEvent::seq).containsExactly(19L, 20L);
    assertThat(store.changeLog().read(20, 100)).isEmpty();
    assertThat(store.changeLog().read(0, 100).get(4).path()).isEqualTo(path("c/d4"));
  }

  @Test
  void readCollectionFindsOneCollectionOfOneDatabaseWithinItsBudget() {
    store.create(DB, path("c/a"), json("{}"));              // 1
    store.create("db2", path("c/a"), json("{}"));           // 2: other database
    store.create(DB, path("c/a/sub/x"), json("{}"));        // 3: subcollection
    store.create(DB, path("cc/a"), json("{}"));             // 4: collection with a longer name
    store.create(DB, path("c/b"), json("{}"));              // 5
    store.patch(DB, path("c/a"), json("{\"pad\":\"" + "x".repeat(2000) + "\"}"), List.of()); // 6: a large entry
    store.delete(DB, path("c/a"), List.of());                // 7
    store.create(DB, path("d/b"), json("{}"));              // 8
    var log = store.changeLog();
    var all = log.readCollection(0, 100, DB, path("c/a").collection());
    assertThat(all.changes()).extracting(c -> c.seq()).containsExactly(1L, 5L, 6L, 7L);
    assertThat(all.changes()).extracting(c -> c.path()).containsExactly(path("c/a"), path("c/b"), path("c/a"),
        path("c/a"));
    assertThat(all.examinedTo()).isEqualTo(8);
    var bounded = log.readCollection(1, 3, DB, path("c/a").collection());
    assertThat(bounded.changes()).isEmpty();
    assertThat(bounded.examinedTo()).as("three entries looked at, none of them ours").isEqualTo(4);
    assertThat(log.readCollection(8, 100, DB, path("c/a").collection()).examinedTo()).isEqualTo(8);
    assertThat(log.readCollection(0, 100, "db2", path("c/a").collection()).changes())
        .extracting(c -> c.seq()).containsExactly(2L);
    assertThat(log.readCollection(0, 100, DB, path("c/a/sub/x").collection()).changes())
        .extracting(c -> c.seq()).containsExactly(3L);
    String deep = ("s" + "x".repeat(100) + "/d/").repeat(6) + "leaf"; // a header longer than a short read of it (600+ bytes)
    store.create(DB, path(deep + "/doc"), json("{}"));    // 9
    assertThat(log.readCollection(0, 100, DB, path(deep + "/doc").collection()).changes())
        .extracting(c -> c.path()).containsExactly(path(deep + "/doc"));
  }

  @Test
  void awaitBlocksUntilTheNextCommit() throws Exception {
    store.create(DB, path("c/a"), json("{}"));
    assertThat(store.changeLog().awaitAfter(1, 50, TimeUnit.MILLISECONDS)).as("times out").isEqualTo(1);
    Thread writer = Thread.ofPlatform().start(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      store.create(DB, path("c/b"), json("{}"));
    });
    long started = System.nanoTime();
    assertThat(store.changeLog().awaitAfter(1, 10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
    writer.join();
  }

  @Test
  void listenersHearEveryCommitInOrderUntilClosed() throws Exception {
    List<Long> heard = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    AutoCloseable registration = store.changeLog().onCommit(seq -> {
      heard.add(seq);
      three.countDown();
    });
    for (int i = 0; i < 3; i++) {
      store.write(new Write.Create(DB, path("c/d" + i), json("{}")));
    }
    assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(heard).containsExactly(1L, 2L, 3L);
    registration.close();
    store.create(DB, path("c/after"), json("{}"));
    assertThat(heard).hasSize(3);
  }

  @Test
  void aTailerSeesEveryEntryExactlyOnceWhileWritesFlow() throws Exception {
    int total = 500;
    List<Long> seen = new CopyOnWriteArrayList<>();
    Thread tailer = Thread.ofPlatform().start(() -> {
      long position = 0;
      try {
        while (position < total) {
          store.changeLog().awaitAfter(position, 5, TimeUnit.SECONDS);
          for (ChangeEvent e : store.changeLog().read(position, 64)) {
            seen.add(e.seq());
            position = e.seq();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    for (int i = 0; i < total; i++) {
      store.writeAsync(new Write.Create(DB, path("c/d" + i), json("{}")));
    }
    tailer.join(30_000);
    assertThat(seen).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
  }
}
