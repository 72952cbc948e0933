package io.syntrix.store.postgres;

import io.syntrix.store.DocumentStore;
import io.syntrix.testkit.RetentionContract;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

class PostgresRetentionTest extends RetentionContract {
  private final PostgresTestStores stores = new PostgresTestStores(getClass().getSimpleName());

  @Override
  protected DocumentStore openStore(Clock clock, Duration retention) {
    return stores.open(PostgresStoreOptions.defaults(stores.jdbcUrl()).withRetention(retention), clock);
  }

  @Override
  protected void purgeExpired(DocumentStore store) {
    PurgeResult result = ((PostgresDocumentStore) store).purgeExpired();
    org.assertj.core.api.Assertions.assertThat(result.deferred()).as("no other process purges here").isFalse();
  }

  @AfterEach
  void dropTheDatabase() throws Exception {
    stores.close();
  }
}
