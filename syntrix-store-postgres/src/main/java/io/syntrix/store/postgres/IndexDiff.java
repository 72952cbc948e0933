package io.syntrix.store.postgres;

import io.syntrix.model.Document;
import io.syntrix.store.spi.IndexedValues;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Index maintenance as {@code update(old, new)} in rows: the entries ({@link IndexedValues}) the
 * document had and has, each an {@code index_entries} row or, for a value over 1,500 bytes, an
 * {@code overflow_entries} row keyed by its head. Only rows that differ are deleted or inserted,
 * compared as rows (not values): two different huge values with one head are one overflow row, so
 * changing one into the other touches nothing. {@link WriteStatement} applies the four sets in the
 * write's one statement.
 *
 * <p>Only the transaction holding the document's row lock touches the document's entries (the id
 * is part of every key), so applying them never waits on another writer.
 */
record IndexDiff(Rows goneIndex, Rows goneOverflow, Rows addedIndex, Rows addedOverflow) {
  /** Rows of one table as parallel arrays, the shape {@code unnest(text[], bytea[])} takes. */
  record Rows(String[] fields, byte[][] values) {}

  /** One row: which table, the field, and the value (index) or head (overflow) bytes. */
  private record Row(boolean overflow, String field, ByteBuffer bytes) {}

  /** A document leaving the store (retention's tombstones), with the database it was in. */
  record Removed(String database, Document document) {}

  /** The difference between the entries of {@code old} and {@code now} (either may be null). */
  static IndexDiff of(Document old, Document now) {
    Set<Row> before = rows(old);
    Set<Row> after = rows(now);
    Set<Row> gone = new HashSet<>(before);
    gone.removeAll(after);
    Set<Row> added = new HashSet<>(after);
    added.removeAll(before);
    return new IndexDiff(select(gone, false), select(gone, true), select(added, false), select(added, true));
  }

  /**
   * Deletes every entry of the removed documents, one batch per table whatever their number. The
   * caller holds (or has deleted) each document's row, as for a write.
   */
  static void removeAll(Connection c, List<Removed> removed) throws SQLException {
    try (PreparedStatement index = c.prepareStatement(
             "DELETE FROM index_entries WHERE db = ? AND collection = ? AND field = ? AND value = ? AND doc_id = ?");
         PreparedStatement overflow = c.prepareStatement(
             "DELETE FROM overflow_entries WHERE db = ? AND collection = ? AND field = ? AND head = ? AND doc_id = ?")) {
      int[] batched = new int[2];
      for (Removed r : removed) {
        Document d = r.document();
        for (Row row : rows(d)) {
          PreparedStatement s = row.overflow() ? overflow : index;
          s.setString(1, r.database());
          s.setString(2, d.collection().value());
          s.setString(3, PgText.escape(row.field()));
          s.setBytes(4, row.bytes().array());
          s.setString(5, d.id());
          s.addBatch();
          batched[row.overflow() ? 1 : 0]++;
        }
      }
      if (batched[0] > 0) {
        index.executeBatch();
      }
      if (batched[1] > 0) {
        overflow.executeBatch();
      }
    }
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

  private static Rows select(Set<Row> rows, boolean overflow) {
    List<Row> picked = new ArrayList<>();
    for (Row r : rows) {
      if (r.overflow() == overflow) {
        picked.add(r);
      }
    }
    String[] fields = new String[picked.size()];
    byte[][] values = new byte[picked.size()][];
    for (int i = 0; i < picked.size(); i++) {
      fields[i] = PgText.escape(picked.get(i).field()); // the text column cannot hold U+0000
      values[i] = picked.get(i).bytes().array();
    }
    return new Rows(fields, values);
  }
}
