package io.syntrix.store.rocksdb;

import io.syntrix.store.DocumentStore;
import io.syntrix.testkit.SnapshotContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class RocksSnapshotTest extends SnapshotContract {
  @TempDir
  Path dir;
  private RocksDocumentStore rocks;

  @Override
  protected DocumentStore openStore() {
    rocks = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
    return rocks;
  }

  /** Whatever the contract did, the indexes, tombstone markers and log must still agree. */
  @AfterEach
  void storeIsConsistent() {
    org.assertj.core.api.Assertions.assertThat(rocks.checkIntegrity().problems()).isEmpty();
  }
}
