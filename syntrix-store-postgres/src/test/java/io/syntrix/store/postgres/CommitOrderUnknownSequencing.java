package io.syntrix.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;

/**
 * A test seam until the real sequencer lands (issue 11): gives each committed transaction the next
 * value of a PostgreSQL sequence ({@code test_commit_seq}), taken when the store asks, that is
 * right after the commit. Seqs are unique and gap-free (only committed writes ask, and every
 * process on the database shares the sequence) but, as the name says, NOT in commit order: two
 * writers committing together may ask in the other order. Used only by the document-store tests,
 * which check seqs as a set; nothing that needs commit order may use it.
 */
final class CommitOrderUnknownSequencing implements Sequencing, AutoCloseable {
  private final Connection connection;

  CommitOrderUnknownSequencing(String jdbcUrl) {
    try {
      connection = DriverManager.getConnection(jdbcUrl);
      try (Statement s = connection.createStatement()) {
        s.execute("CREATE SEQUENCE IF NOT EXISTS test_commit_seq");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set up the test sequence", e);
    }
  }

  @Override
  public synchronized CompletableFuture<Long> seqOf(long xid) {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT nextval('test_commit_seq')")) {
      rs.next();
      return CompletableFuture.completedFuture(rs.getLong(1));
    } catch (SQLException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The highest seq handed out on this database (by any instance), 0 before the first. */
  synchronized long lastSeq() {
    try (Statement s = connection.createStatement();
         ResultSet rs = s.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM test_commit_seq")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the test sequence", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
