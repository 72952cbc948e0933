package io.syntrix.store.rocksdb;

import io.syntrix.store.DocumentStore;
import io.syntrix.testkit.SystemStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class RocksSystemStoreTest extends SystemStoreContract {
  @TempDir
  Path dir;
  private RocksDocumentStore rocks;

  @Override
  protected DocumentStore openStore() {
    rocks = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
    return rocks;
  }

  @AfterEach
  void storeIsConsistent() {
    org.assertj.core.api.Assertions.assertThat(rocks.checkIntegrity().problems()).isEmpty();
  }
}
