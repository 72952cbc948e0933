package io.syntrix.store.postgres;

import io.syntrix.store.DocumentStore;
import io.syntrix.testkit.ChangeLogContract;
import org.junit.jupiter.api.AfterEach;

class PostgresChangeLogTest extends ChangeLogContract {
  private final PostgresTestStores stores = new PostgresTestStores(getClass().getSimpleName());

  @Override
  protected DocumentStore openStore() {
    return stores.open();
  }

  @Override
  protected long lastSeq() {
    return stores.lastSeq();
  }

  @AfterEach
  void dropTheDatabase() throws Exception {
    stores.close();
  }
}
