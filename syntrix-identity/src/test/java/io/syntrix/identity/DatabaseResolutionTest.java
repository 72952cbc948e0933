package io.syntrix.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data requests resolve their database from what was looked up within the last second: this
 * process's changes are seen at once, another process's (here: a second service over the same
 * store, as two gateways over one PostgreSQL) within that second.
 */
class DatabaseResolutionTest {
  private static final Principal ADMIN = new Principal("u-admin", "admin", List.of("admin"), List.of(), Map.of(),
      Long.MAX_VALUE);
  @TempDir
  Path dir;
  RocksDocumentStore store;
  DatabaseService here;
  DatabaseService elsewhere;

  @BeforeEach
  void open() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
    here = new DatabaseService(store, new RulesService(store.system()), Clock.systemUTC(), 10);
    elsewhere = new DatabaseService(store, new RulesService(store.system()), Clock.systemUTC(), 10);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static DatabaseService.Changes status(String status) {
    return new DatabaseService.Changes(null, null, null, status, null, null);
  }

  @Test
  void ownChangesAreSeenAtOnce() {
    assertThatThrownBy(() -> here.resolveForData("shop")).isInstanceOfSatisfying(SyntrixException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_NOT_FOUND));
    here.create(ADMIN, new DatabaseService.Spec("Shop", "shop", null, "u-admin", null, null));
    assertThat(here.resolveForData("shop").slug()).as("the negative answer was forgotten").isEqualTo("shop");

    here.update(ADMIN, "shop", status("suspended"));
    assertThatThrownBy(() -> here.resolveForData("shop")).isInstanceOfSatisfying(SyntrixException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_SUSPENDED));
  }

  @Test
  void anotherProcesssChangeIsSeenWithinASecond() throws InterruptedException {
    here.create(ADMIN, new DatabaseService.Spec("Shop", "shop", null, "u-admin", null, null));
    assertThat(elsewhere.resolveForData("shop").status()).isEqualTo(LogicalDatabase.ACTIVE);

    here.update(ADMIN, "shop", status("suspended"));
    long changed = System.nanoTime();
    // Still the remembered answer right after (the lookup is not repeated per request)...
    boolean staleAtFirst = elsewhere.resolveForData("shop").status().equals(LogicalDatabase.ACTIVE);
    // ...and the new one once the second is over.
    Thread.sleep(1_100);
    assertThatThrownBy(() -> elsewhere.resolveForData("shop")).isInstanceOfSatisfying(SyntrixException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.DATABASE_SUSPENDED));
    if (System.nanoTime() - changed < 900_000_000L) {
      assertThat(staleAtFirst).as("remembered within the second").isTrue();
    }
  }
}
