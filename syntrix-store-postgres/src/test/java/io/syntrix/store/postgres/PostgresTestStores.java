package io.syntrix.store.postgres;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores for one test on a database of its own: every store opened here shares the database (as
 * processes would), each with its own pool and its own follower of the change log; whichever
 * opened first sequences it, the others stand by. {@link #close} closes them all and drops the
 * database (with its replication slot).
 */
final class PostgresTestStores implements AutoCloseable {
  private final EmbeddedPostgresServer.TestDatabase database;
  private final List<PostgresDocumentStore> open = new ArrayList<>();

  PostgresTestStores(String label) {
    database = EmbeddedPostgresServer.shared().createDatabase(label);
  }

  String jdbcUrl() {
    return database.jdbcUrl();
  }

  PostgresDocumentStore open() {
    return open(PostgresStoreOptions.defaults(jdbcUrl()));
  }

  PostgresDocumentStore open(PostgresStoreOptions options) {
    return open(options, Clock.systemUTC());
  }

  /** A store deciding retention by {@code clock}. */
  PostgresDocumentStore open(PostgresStoreOptions options, Clock clock) {
    PostgresDocumentStore store = new PostgresDocumentStore(options, clock);
    open.add(store);
    return store;
  }

  /** The highest seq in the change log, as the first store opened here follows it. */
  long lastSeq() {
    return open.get(0).changeLog().lastSeq();
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    database.close();
  }
}
