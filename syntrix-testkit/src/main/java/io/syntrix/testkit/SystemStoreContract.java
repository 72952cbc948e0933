package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.store.SystemStore;
import io.syntrix.store.SystemStore.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** System records: versioned compare-and-set, namespaces, scans; and dropping a database's documents. */
public abstract class SystemStoreContract extends StoreContractSupport {

  private SystemStore system() {
    return store.system();
  }

  @Test
  void compareAndPutCreatesThenReplacesByVersion() {
    assertThat(system().get("users", "alice")).isEmpty();
    assertThat(system().compareAndPut("users", "alice", 0, json("{\"n\":1}"))).isEqualTo(1);
    assertThat(system().compareAndPut("users", "alice", 0, json("{\"n\":2}"))).as("already exists").isEqualTo(-1);
    assertThat(system().compareAndPut("users", "alice", 1, json("{\"n\":2}"))).isEqualTo(2);
    assertThat(system().compareAndPut("users", "alice", 1, json("{\"n\":3}"))).as("stale version").isEqualTo(-1);
    Versioned v = system().get("users", "alice").orElseThrow();
    assertThat(v.value()).isEqualTo(json("{\"n\":2}"));
    assertThat(v.version()).isEqualTo(2);
    assertThat(system().compareAndDelete("users", "alice", 1)).isFalse();
    assertThat(system().compareAndDelete("users", "alice", 2)).isTrue();
    assertThat(system().get("users", "alice")).isEmpty();
  }

  @Test
  void onlyOneOfManyConcurrentSwapsWins() throws InterruptedException {
    system().compareAndPut("tokens", "t", 0, json("{\"used\":false}"));
    AtomicInteger winners = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(Thread.ofPlatform().start(() -> {
        if (system().compareAndPut("tokens", "t", 1, json("{\"used\":true}")) > 0) {
          winners.incrementAndGet();
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(winners.get()).isEqualTo(1);
  }

  @Test
  void namespacesAreSeparateAndScansAreInKeyOrder() {
    for (String k : new String[] {"b", "a", "c", "ab"}) {
      system().compareAndPut("ns", k, 0, json("{}"));
    }
    system().compareAndPut("ns2", "a", 0, json("{}"));
    system().compareAndPut("n", "s", 0, json("{}"));
    assertThat(system().scan("ns", null, 10)).extracting(Versioned::key).containsExactly("a", "ab", "b", "c");
    assertThat(system().scan("ns", "a", 2)).extracting(Versioned::key).containsExactly("ab", "b");
    assertThat(system().scan("ns2", null, 10)).extracting(Versioned::key).containsExactly("a");
  }

  /** Keys are caller input (a slug, a username), so any string: U+0000 too, in UTF-8 byte order. */
  @Test
  void keysMayHoldAnyCharacterAndScanInUtf8ByteOrder() {
    List<String> ordered = List.of("a", "a\u0000", "a\u0000b", "a\u0001", "a\u00e9", "b");
    for (String k : new String[] {"a\u00e9", "a\u0000b", "b", "a", "a\u0001", "a\u0000"}) {
      assertThat(system().compareAndPut("keys", k, 0, json("{\"k\":" + ordered.indexOf(k) + "}"))).isEqualTo(1);
    }
    assertThat(system().get("keys", "a\u0000b").orElseThrow().value()).isEqualTo(json("{\"k\":2}"));
    assertThat(system().get("keys", "x\u0000y")).isEmpty();
    assertThat(system().scan("keys", null, 10)).extracting(Versioned::key).containsExactlyElementsOf(ordered);
    assertThat(system().scan("keys", "a\u0000", 2)).extracting(Versioned::key).containsExactly("a\u0000b", "a\u0001");
    assertThat(system().compareAndDelete("keys", "a\u0000", 1)).isTrue();
    assertThat(system().get("keys", "a\u0000")).isEmpty();
    assertThat(system().get("keys", "a")).isPresent();
  }

  @Test
  void systemRecordsNeverEnterTheChangeLog() {
    system().compareAndPut("users", "x", 0, json("{}"));
    assertThat(lastSeq()).isZero();
  }

  @Test
  void droppingADatabaseRemovesItsDocumentsOnly() {
    store.create("gone", path("c/a"), json("{\"v\":1}"));
    store.create("gone", path("c/b"), json("{\"v\":2}"));
    store.delete("gone", path("c/b"), List.of());
    store.create("gone2", path("c/a"), json("{\"v\":1}"));
    store.create("kept", path("c/a"), json("{\"v\":1}"));
    assertThat(store.dropDatabase("gone")).as("live documents removed (the tombstone goes too)").isEqualTo(1);
    assertThat(store.get("gone", path("c/a"), true)).isEmpty();
    assertThat(store.get("gone", path("c/b"), true)).isEmpty();
    assertThat(drain(store.scanIndex("gone", path("c/a").collection(), "v", io.syntrix.store.IndexRange.ALL, false, null)))
        .isEmpty();
    assertThat(store.get("gone2", path("c/a"))).isPresent();
    assertThat(store.get("kept", path("c/a"))).isPresent();
    store.create("gone", path("c/a"), json("{\"v\":3}"));
    assertThat(store.get("gone", path("c/a")).orElseThrow().version()).isEqualTo(1);
  }
}
