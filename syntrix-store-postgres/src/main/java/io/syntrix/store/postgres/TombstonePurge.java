package io.syntrix.store.postgres;

import io.syntrix.model.CollectionPath;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One bounded step of tombstone retention, inside the caller's transaction: deletes at most
 * {@code max} tombstones deleted before the cutoff, oldest first (the partial index
 * {@code documents_tombstones}), with their index entries. A tombstone still has entries for
 * {@code version}, {@code createdAt} and {@code updatedAt} ({@link IndexDiff}), which go with it.
 *
 * <p><b>Racing a write.</b> The tombstones are locked first ({@code FOR UPDATE SKIP LOCKED}), then
 * deleted by key, so a write of the same document wins cleanly whichever comes first:
 * <ul>
 *   <li>the writer holds the row lock ({@code WriteTransaction} step 1): the purge skips the row,
 *       and the writer recreates the document; a later run sees a live row and leaves it;</li>
 *   <li>the writer committed since the purge's snapshot: {@code FOR UPDATE} re-checks the newest
 *       version, which is no longer an old tombstone, and leaves it;</li>
 *   <li>the purge holds the lock: the writer's {@code SELECT ... FOR UPDATE} waits, then finds no
 *       row (deleted, entries gone) and creates the document afresh, as after any purge.</li>
 * </ul>
 * Once locked, a row cannot change until this transaction ends, so the delete by key removes
 * exactly the tombstone that was chosen. Only the holder of a document's row lock touches its
 * index entries, as in writes, so deleting them never waits on a writer. A tombstone counts for
 * no usage, so {@code database_usage} is not touched.
 *
 * <p><b>Why two statements.</b> One {@code DELETE ... WHERE key IN (SELECT ... FOR UPDATE SKIP
 * LOCKED)} lets the planner hash-join the chosen keys against every document (or every expired
 * tombstone), so a step would cost as much as the whole table; deleting the locked rows by
 * primary key keeps a step proportional to its bound.
 */
final class TombstonePurge {
  private TombstonePurge() {}

  /** Runs one step in {@code c}'s open transaction; returns the tombstones deleted. The caller commits. */
  static int step(Connection c, long cutoffMillis, int max) throws SQLException {
    List<IndexDiff.Removed> expired = lockExpired(c, cutoffMillis, max);
    if (expired.isEmpty()) {
      return 0;
    }
    try (PreparedStatement s = c.prepareStatement("DELETE FROM documents WHERE db = ? AND collection = ? AND id = ?")) {
      for (IndexDiff.Removed r : expired) {
        s.setString(1, r.database());
        s.setString(2, r.document().collection().value());
        s.setString(3, r.document().id());
        s.addBatch();
      }
      s.executeBatch();
    }
    IndexDiff.removeAll(c, expired);
    return expired.size();
  }

  private static List<IndexDiff.Removed> lockExpired(Connection c, long cutoffMillis, int max) throws SQLException {
    List<IndexDiff.Removed> expired = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT db, collection, " + DocumentRows.COLUMNS
        + " FROM documents WHERE deleted AND updated_at < ? ORDER BY updated_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
      s.setLong(1, cutoffMillis);
      s.setInt(2, max);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          expired.add(new IndexDiff.Removed(rs.getString(1),
              DocumentRows.document(CollectionPath.of(rs.getString(2)), rs, 3)));
        }
      }
    }
    return expired;
  }
}
