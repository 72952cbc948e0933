package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.DatabaseUsage;
import io.syntrix.store.Write;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Usage counting and quotas every store must have: {@link io.syntrix.store.DocumentStore#usage}
 * counts live documents and their bytes exactly, whatever the order of concurrent writes; a
 * {@link DatabaseQuota} refuses only growth past a limit, never a write that shrinks a database.
 */
public abstract class DatabaseQuotaContract extends StoreContractSupport {

  @Test
  void usageCountsLiveDocumentsAndTheirBytesPerDatabase() {
    assertThat(store.usage(DB)).isEqualTo(DatabaseUsage.EMPTY);
    store.create(DB, path("c/a"), json("{\"v\":1}"));
    store.create(DB, path("c/b"), json("{\"v\":\"" + "x".repeat(1000) + "\"}"));
    store.create("other", path("c/a"), json("{\"v\":1}"));
    DatabaseUsage two = store.usage(DB);
    assertThat(two.documents()).isEqualTo(2);
    assertThat(two.storageBytes()).isGreaterThan(1000);
    store.delete(DB, path("c/b"), List.of());
    assertThat(store.usage(DB).documents()).as("a tombstone is not a document").isEqualTo(1);
    assertThat(store.usage(DB).storageBytes()).isLessThan(two.storageBytes() - 1000);
    store.dropDatabase(DB);
    assertThat(store.usage(DB)).isEqualTo(DatabaseUsage.EMPTY);
    assertThat(store.usage("other").documents()).isEqualTo(1);
  }

  @Test
  void documentQuotaRefusesOnlyNewDocuments() {
    DatabaseQuota three = new DatabaseQuota(3, 0);
    for (String id : List.of("a", "b", "c")) {
      store.write(new Write.Create(DB, path("c/" + id), json("{}")), three);
    }
    assertQuotaExceeded(new Write.Create(DB, path("c/d"), json("{}")), three, "max_documents");
    assertQuotaExceeded(new Write.Replace(DB, path("c/d"), json("{}"), List.of()), three, "max_documents");
    store.write(new Write.Replace(DB, path("c/a"), json("{\"v\":2}"), List.of()), three);
    store.write(new Write.Patch(DB, path("c/b"), json("{\"v\":2}"), List.of()), three);
    store.write(new Write.Delete(DB, path("c/c"), List.of()), three);
    store.write(new Write.Create(DB, path("c/d"), json("{}")), three);
    assertThat(store.usage(DB).documents()).isEqualTo(3);
    assertThat(store.get(DB, path("c/e"))).as("a refused write leaves nothing").isEmpty();
  }

  @Test
  void storageQuotaRefusesGrowthButLetsADatabaseOverItShrink() {
    store.create(DB, path("c/a"), json("{\"v\":\"" + "x".repeat(500) + "\"}"));
    long used = store.usage(DB).storageBytes();
    DatabaseQuota tight = new DatabaseQuota(0, used + 100);
    store.write(new Write.Create(DB, path("c/b"), json("{}")), tight);
    assertQuotaExceeded(new Write.Patch(DB, path("c/b"), json("{\"v\":\"" + "y".repeat(200) + "\"}"), List.of()),
        tight, "max_storage_bytes");
    DatabaseQuota lowered = new DatabaseQuota(0, 10);
    store.write(new Write.Replace(DB, path("c/a"), json("{\"v\":\"short\"}"), List.of()), lowered);
    store.write(new Write.Delete(DB, path("c/b"), List.of()), lowered);
    assertQuotaExceeded(new Write.Create(DB, path("c/z"), json("{}")), lowered, "max_storage_bytes");
  }

  /** Many writers racing for the last places: exactly the limit gets in, and the count stays exact. */
  @Test
  void concurrentCreatesNeverOvershootTheLimit() {
    DatabaseQuota hundred = new DatabaseQuota(100, 0);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      writes.add(store.writeAsync(new Write.Create(DB, path("c/d" + i), json("{\"i\":" + i + "}")), hundred));
    }
    long refused = writes.stream().filter(f -> quotaExceeded(f)).count();
    assertThat(refused).isEqualTo(200);
    assertThat(store.usage(DB).documents()).isEqualTo(100);
    assertThat(drain(store.scanCollection(DB, io.syntrix.model.CollectionPath.of("c"), null, false))).hasSize(100);
  }

  /** Threads creating, replacing and deleting the same documents: the count always equals a recount. */
  @Test
  void usageStaysExactUnderConcurrentWritesAndDeletes() throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long seed = 31L * t;
      threads.add(Thread.ofPlatform().start(() -> randomWrites(new Random(seed))));
    }
    for (Thread t : threads) {
      t.join();
    }
    long live = drain(store.scanCollection(DB, io.syntrix.model.CollectionPath.of("c"), null, false)).size();
    assertThat(store.usage(DB).documents()).isEqualTo(live);
    store.dropDatabase(DB);
    assertThat(store.usage(DB)).isEqualTo(DatabaseUsage.EMPTY);
  }

  private void randomWrites(Random random) {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      var p = path("c/d" + random.nextInt(40));
      Write w = switch (random.nextInt(3)) {
        case 0 -> new Write.Create(DB, p, json("{\"n\":" + i + "}"));
        case 1 -> new Write.Replace(DB, p, json("{\"s\":\"" + "x".repeat(random.nextInt(300)) + "\"}"), List.of());
        default -> new Write.Delete(DB, p, List.of());
      };
      writes.add(store.writeAsync(w, new DatabaseQuota(30, 0)).exceptionally(e -> null));
    }
    writes.forEach(CompletableFuture::join);
  }

  private static boolean quotaExceeded(CompletableFuture<?> f) {
    try {
      f.join();
      return false;
    } catch (CompletionException e) {
      if (e.getCause() instanceof SyntrixException s && s.code() == ErrorCode.QUOTA_EXCEEDED) {
        return true;
      }
      throw e;
    }
  }

  private void assertQuotaExceeded(Write write, DatabaseQuota quota, String named) {
    assertThatThrownBy(() -> store.write(write, quota)).isInstanceOf(SyntrixException.class)
        .satisfies(e -> assertThat(((SyntrixException) e).code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED))
        .hasMessageContaining(named).hasMessageContaining(DB);
  }
}
