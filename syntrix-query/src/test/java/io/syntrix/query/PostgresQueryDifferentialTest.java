package io.syntrix.query;

import io.syntrix.store.DocumentStore;
import io.syntrix.store.postgres.EmbeddedPostgresServer;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresStoreOptions;
import java.nio.file.Path;

/**
 * The differential query test on PostgreSQL: the same random documents and queries (same seed,
 * {@code -Dquery.seed}) as on RocksDB, each result and every page equal to the brute-force
 * oracle's — so the query engine gives the same answers on both engines' index scans.
 */
class PostgresQueryDifferentialTest extends QueryDifferentialTest {
  private EmbeddedPostgresServer.TestDatabase database;

  @Override
  DocumentStore open(Path dir) {
    database = EmbeddedPostgresServer.shared().createDatabase("query");
    return new PostgresDocumentStore(PostgresStoreOptions.defaults(database.jdbcUrl()));
  }

  @Override
  void closeStore() throws Exception {
    store.close();
    database.close();
  }
}
