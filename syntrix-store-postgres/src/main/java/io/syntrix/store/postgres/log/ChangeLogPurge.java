package io.syntrix.store.postgres.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One bounded step of change-log retention: deletes a prefix of {@code syntrix_changes} committed
 * before the cutoff, at most {@code max} entries, and records the new {@code first_seq}, inside the
 * caller's transaction (which holds the purge lock, so no other purger runs; see the store's
 * {@code Retention}).
 *
 * <p><b>What is purged.</b> The log must stay one gap-free range {@code first_seq..last_seq}, so a
 * step deletes a prefix: from {@code first_seq} up to the entry before the first one committed at
 * or after the cutoff, within the window {@code first_seq .. first_seq + max - 1}. Commit times are
 * not strictly ordered by seq (PostgreSQL stamps a commit just before writing its record, so two
 * commits can swap by microseconds); stopping at the first young entry means an entry is never
 * purged before its time, at worst kept a little longer. Only entries visible to the step's
 * statements count, and the sequencer commits entries in seq order, so an entry it has not
 * committed yet lies above every visible one and is never touched.
 *
 * <p><b>Concurrency with the sequencer.</b> {@code first_seq} lives in the sequencer's own row
 * ({@code syntrix_sequencer}), which the {@link Sequencer} updates in every batch. We keep it
 * there, and the argument is:
 * <ul>
 *   <li><i>No lost update.</i> Each side writes only its own columns (this step {@code first_seq},
 *       the sequencer {@code last_seq, end_lsn}), from values it computed, not read from the row.
 *       In READ COMMITTED an {@code UPDATE} that finds the row locked waits, then applies its
 *       {@code SET} to the newest committed version, so the other side's columns survive.</li>
 *   <li><i>No deadlock.</i> The only lock the two transactions share is that row's: the step
 *       deletes entries below {@code last_seq}, the sequencer inserts above it, so their entry
 *       rows are disjoint, and the purge lock (an advisory lock) is never taken by the sequencer.
 *       One shared lock cannot form a wait cycle.</li>
 *   <li><i>Short waits.</i> The row is updated as the step's last statement, so the sequencer can
 *       wait for the purge at most for the commit, never for the delete.</li>
 *   <li><i>Readers.</i> The deleted entries and the new {@code first_seq} commit together, so a
 *       reader that misses an entry finds a {@code first_seq} past it in its next statement, from
 *       any process ({@link PostgresChangeLog#read} then throws {@code ChangeLogTruncatedException}).</li>
 * </ul>
 * A separate table for {@code first_seq} would avoid the shared row, but the row already exists
 * (migration V2), the wait is bounded by a commit, and one row keeps {@code last_seq + 1} and
 * {@code first_seq} readable together when the log is fully purged.
 */
public final class ChangeLogPurge {
  /** What one step did: entries deleted, and the first retained seq after it. */
  public record Purged(long entries, long firstSeq) {}

  private ChangeLogPurge() {}

  /** Runs one step in {@code c}'s open transaction; the caller commits. */
  public static Purged step(Connection c, long cutoffMillis, int max) throws SQLException {
    long first = firstSeq(c);
    long through = lastExpired(c, first, cutoffMillis, max);
    if (through < first) {
      return new Purged(0, first);
    }
    long deleted;
    try (PreparedStatement s = c.prepareStatement("DELETE FROM syntrix_changes WHERE seq >= ? AND seq <= ?")) {
      s.setLong(1, first);
      s.setLong(2, through);
      deleted = s.executeUpdate();
    }
    try (PreparedStatement s = c.prepareStatement("UPDATE syntrix_sequencer SET first_seq = ? WHERE id = 1")) {
      s.setLong(1, through + 1);
      s.executeUpdate();
    }
    return new Purged(deleted, through + 1);
  }

  private static long firstSeq(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT first_seq FROM syntrix_sequencer WHERE id = 1");
         ResultSet r = s.executeQuery()) {
      if (!r.next()) {
        throw new SQLException("syntrix_sequencer has no row: the schema was not migrated");
      }
      return r.getLong(1);
    }
  }

  /**
   * The last seq of the expired prefix within the step's window: the entry before the first young
   * one, or the last visible entry when all of them are expired; {@code first - 1} when none is.
   */
  private static long lastExpired(Connection c, long first, long cutoffMillis, int max) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT coalesce(min(seq) FILTER (WHERE committed_at >= ?) - 1,"
        + " max(seq)) FROM syntrix_changes WHERE seq >= ? AND seq < ?")) {
      s.setLong(1, cutoffMillis);
      s.setLong(2, first);
      s.setLong(3, first + max);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        long through = r.getLong(1);
        return r.wasNull() ? first - 1 : through;
      }
    }
  }
}
