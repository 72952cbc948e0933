package io.syntrix.store.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * Stores for one test on a database of its own: every store opened here shares the database (as
 * processes would), each with its own pool and its own {@link CommitOrderUnknownSequencing}.
 * {@link #close} closes them all and drops the database.
 */
final class PostgresTestStores implements AutoCloseable {
  private final EmbeddedPostgresServer.TestDatabase database;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final CommitOrderUnknownSequencing seqs;

  PostgresTestStores(String label) {
    database = EmbeddedPostgresServer.shared().createDatabase(label);
    seqs = new CommitOrderUnknownSequencing(database.jdbcUrl());
    open.add(seqs);
  }

  String jdbcUrl() {
    return database.jdbcUrl();
  }

  PostgresDocumentStore open() {
    return open(PostgresStoreOptions.defaults(jdbcUrl()));
  }

  PostgresDocumentStore open(PostgresStoreOptions options) {
    CommitOrderUnknownSequencing sequencing = new CommitOrderUnknownSequencing(jdbcUrl());
    open.add(sequencing);
    PostgresDocumentStore store = new PostgresDocumentStore(options, sequencing);
    open.add(store);
    return store;
  }

  /** The highest seq any store of this database handed out. */
  long lastSeq() {
    return seqs.lastSeq();
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    database.close();
  }
}
