package io.syntrix.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores for one test on a database of its own: every store opened here shares the database (as
 * processes would), each with its own pool and its own follower of the change log; whichever
 * opened first sequences it, the others stand by. {@link #close} closes them all, drops the
 * database's replication slot and then the database.
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
    PostgresDocumentStore store = new PostgresDocumentStore(options);
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
    dropSlots(jdbcUrl());
    database.close();
  }

  /** PostgreSQL refuses to drop a database that has a replication slot; a closed walsender may take a moment. */
  static void dropSlots(String jdbcUrl) throws SQLException, InterruptedException {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      for (int attempt = 0; ; attempt++) {
        try (ResultSet r = s.executeQuery("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots"
            + " WHERE database = current_database()")) {
          r.next();
          return;
        } catch (SQLException e) {
          if (attempt >= 50 || !"55006".equals(e.getSQLState())) { // 55006: the slot is still active
            throw e;
          }
          Thread.sleep(100);
        }
      }
    }
  }
}
