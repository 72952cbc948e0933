package io.syntrix.store.postgres;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.store.spi.IndexedValues;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A full consistency check of a PostgreSQL store's tables, the counterpart of RocksDB's
 * {@code checkIntegrity()} for the tests that end with one: every index and overflow row the
 * documents imply exists and no other does, every live row's {@code stored_bytes} is its stored
 * size, {@code database_usage} equals a recount of the live rows, and the change log is gap-free
 * from {@code first_seq} to the sequencer's {@code last_seq}. Reads everything; run it when no
 * write is in flight. Shipped in the test-jar for the server tests on PostgreSQL.
 */
public final class PostgresIntegrity {
  private static final int MAX_PROBLEMS = 100;

  private PostgresIntegrity() {}

  /** What is inconsistent in the store's tables of the database at {@code jdbcUrl}: nothing when all is well. */
  public static List<String> problems(String jdbcUrl) {
    List<String> problems = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      Set<String> expectedIndex = new HashSet<>();
      Map<String, long[]> recount = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT db, collection, " + DocumentRows.COLUMNS + ", stored_bytes FROM documents")) {
        while (rs.next()) {
          String db = rs.getString(1);
          Document d = DocumentRows.document(CollectionPath.of(rs.getString(2)), rs, 3);
          for (Map.Entry<String, byte[]> e : IndexedValues.of(d).entrySet()) {
            expectedIndex.add(row(IndexedValues.overflows(e.getValue()), db, d.collection().value(), e.getKey(),
                IndexedValues.head(e.getValue()), d.id()));
          }
          if (!d.deleted()) {
            long size = WriteTransaction.storedSize(db, d.path(), rs.getString(4));
            if (size != rs.getLong(9)) {
              note(problems, "document " + db + "/" + d.path() + " counts " + rs.getLong(9) + " stored bytes, not " + size);
            }
            recount.merge(db, new long[] {1, size}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
          }
        }
      }
      checkEntries(s, false, "SELECT db, collection, field, value, doc_id FROM index_entries", expectedIndex, problems);
      checkEntries(s, true, "SELECT db, collection, field, head, doc_id FROM overflow_entries", expectedIndex, problems);
      expectedIndex.forEach(k -> note(problems, "missing " + k));
      checkUsage(s, recount, problems);
      checkChangeLog(s, problems);
      c.rollback();
    } catch (SQLException e) {
      throw new IllegalStateException("checking the store's tables failed (SQLState " + e.getSQLState() + ")", e);
    }
    return List.copyOf(problems);
  }

  private static void checkEntries(Statement s, boolean overflow, String sql, Set<String> expected,
                                   List<String> problems) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String row = row(overflow, rs.getString(1), rs.getString(2), PgText.unescape(rs.getString(3)), rs.getBytes(4),
            rs.getString(5));
        if (!expected.remove(row)) {
          note(problems, "no document field matches " + row);
        }
      }
    }
  }

  private static void checkUsage(Statement s, Map<String, long[]> recount, List<String> problems) throws SQLException {
    Map<String, long[]> stored = new HashMap<>();
    try (ResultSet rs = s.executeQuery("SELECT db, sum(documents), sum(storage_bytes) FROM database_usage GROUP BY db")) {
      while (rs.next()) {
        stored.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
      }
    }
    Set<String> databases = new TreeSet<>(recount.keySet());
    databases.addAll(stored.keySet());
    for (String db : databases) {
      long[] expected = recount.getOrDefault(db, new long[2]);
      long[] counted = stored.getOrDefault(db, new long[2]);
      if (expected[0] != counted[0] || expected[1] != counted[1]) {
        note(problems, "usage of database " + db + " is " + counted[0] + " documents, " + counted[1]
            + " bytes but its rows make " + expected[0] + ", " + expected[1]);
      }
    }
  }

  private static void checkChangeLog(Statement s, List<String> problems) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT first_seq, last_seq, (SELECT count(*) FROM syntrix_changes),"
        + " (SELECT min(seq) FROM syntrix_changes), (SELECT max(seq) FROM syntrix_changes) FROM syntrix_sequencer")) {
      rs.next();
      long first = rs.getLong(1);
      long last = rs.getLong(2);
      long count = rs.getLong(3);
      boolean empty = count == 0;
      if (empty ? last >= first : rs.getLong(4) != first || rs.getLong(5) != last || count != last - first + 1) {
        note(problems, "the change log holds " + count + " entries from seq " + rs.getLong(4) + " to " + rs.getLong(5)
            + " but the sequencer records seqs " + first + " to " + last);
      }
    }
  }

  /** One index (or overflow) row, printable: which table, the key columns, the value bytes in hex. */
  private static String row(boolean overflow, String db, String collection, String field, byte[] bytes, String id) {
    return (overflow ? "overflow entry " : "index entry ") + db + "/" + collection + "." + field + "="
        + HexFormat.of().formatHex(bytes) + " of " + id;
  }

  private static void note(List<String> problems, String problem) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(problem);
    }
  }
}
