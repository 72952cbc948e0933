package io.syntrix.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.store.DocumentStore;
import io.syntrix.testkit.RetentionContract;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class RocksRetentionTest extends RetentionContract {
  @TempDir
  Path dir;
  private RocksDocumentStore rocks;

  @Override
  protected DocumentStore openStore(Clock clock, Duration retention) {
    rocks = RocksDocumentStore.open(RocksStoreOptions.defaults(dir).withRetention(retention), clock);
    return rocks;
  }

  @Override
  protected void purgeExpired(DocumentStore store) {
    while (((RocksDocumentStore) store).purgeExpired().more()) {
      // one bounded run per committer task, until nothing expired is left
    }
  }

  /** Whatever retention removed, the indexes, tombstone markers and log must still agree. */
  @AfterEach
  void storeIsConsistent() {
    assertThat(rocks.checkIntegrity().problems()).isEmpty();
  }
}
