package io.syntrix.store.postgres;

import io.syntrix.model.Document;
import io.syntrix.store.spi.IndexedValues;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Index maintenance as {@code update(old, new)} in rows: the entries ({@link IndexedValues}) the
 * document had and has, each an {@code index_entries} row or, for a value over 1,500 bytes, an
 * {@code overflow_entries} row keyed by its head. Only rows that differ are deleted or inserted,
 * compared as rows (not values): two different huge values with one head are one overflow row, so
 * changing one into the other touches nothing. Deletes run before inserts; both as batches.
 *
 * <p>Only the transaction holding the document's row lock touches the document's entries (the id
 * is part of every key), so these statements never wait on another writer.
 */
final class IndexDiff {
  /** One row: which table, the field, and the value (index) or head (overflow) bytes. */
  private record Row(boolean overflow, String field, ByteBuffer bytes) {}

  private IndexDiff() {}

  /** Applies the difference between the entries of {@code old} and {@code now} (either may be null). */
  static void apply(Connection c, String database, Document old, Document now) throws SQLException {
    Set<Row> before = rows(old);
    Set<Row> after = rows(now);
    String id = old != null ? old.id() : now.id();
    String collection = (old != null ? old : now).collection().value();
    Set<Row> gone = new HashSet<>(before);
    gone.removeAll(after);
    Set<Row> added = new HashSet<>(after);
    added.removeAll(before);
    run(c, "DELETE FROM index_entries WHERE db = ? AND collection = ? AND field = ? AND value = ? AND doc_id = ?",
        database, collection, id, gone, false);
    run(c, "DELETE FROM overflow_entries WHERE db = ? AND collection = ? AND field = ? AND head = ? AND doc_id = ?",
        database, collection, id, gone, true);
    run(c, "INSERT INTO index_entries (db, collection, field, value, doc_id) VALUES (?, ?, ?, ?, ?)",
        database, collection, id, added, false);
    run(c, "INSERT INTO overflow_entries (db, collection, field, head, doc_id) VALUES (?, ?, ?, ?, ?)",
        database, collection, id, added, true);
  }

  private static Set<Row> rows(Document d) {
    if (d == null) {
      return Set.of();
    }
    Set<Row> out = new HashSet<>();
    for (Map.Entry<String, byte[]> e : IndexedValues.of(d).entrySet()) {
      boolean overflow = IndexedValues.overflows(e.getValue());
      out.add(new Row(overflow, e.getKey(), ByteBuffer.wrap(IndexedValues.head(e.getValue()))));
    }
    return out;
  }

  private static void run(Connection c, String sql, String database, String collection, String id, Set<Row> rows,
                          boolean overflow) throws SQLException {
    if (rows.stream().noneMatch(r -> r.overflow() == overflow)) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (Row r : rows) {
        if (r.overflow() == overflow) {
          s.setString(1, database);
          s.setString(2, collection);
          s.setString(3, PgText.escape(r.field()));
          s.setBytes(4, r.bytes().array());
          s.setString(5, id);
          s.addBatch();
        }
      }
      s.executeBatch();
    }
  }
}
