package io.syntrix.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.store.DatabaseUsage;
import io.syntrix.store.DocumentStore;
import io.syntrix.testkit.DatabaseQuotaContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDatabaseQuotaTest extends DatabaseQuotaContract {
  @TempDir
  Path dir;
  private RocksDocumentStore rocks;

  @Override
  protected DocumentStore openStore() {
    rocks = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
    return rocks;
  }

  /** The counters in memory and on disk must equal a recount of the documents after every test. */
  @AfterEach
  void countersAgreeWithTheDocuments() {
    assertThat(rocks.checkIntegrity().problems()).isEmpty();
  }

  @Test
  void usageSurvivesARestart() {
    rocks.create(DB, path("c/a"), json("{\"v\":\"" + "x".repeat(2000) + "\"}"));
    rocks.create(DB, path("c/b"), json("{}"));
    rocks.delete(DB, path("c/b"), List.of());
    DatabaseUsage before = rocks.usage(DB);
    rocks.close();
    store = openStore();
    assertThat(rocks.usage(DB)).isEqualTo(before);
    assertThat(before.documents()).isEqualTo(1);
  }
}
