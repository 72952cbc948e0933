package io.syntrix.store.postgres;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.store.Cursor;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.store.postgres.log.Sequencer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A read snapshot on PostgreSQL that hands over to the change log exactly
 * (docs/design/postgres-changelog.md, "Snapshots that hand over exactly"): one
 * {@code REPEATABLE READ} transaction on a connection of its own, and what it saw of the
 * transaction ids (xmin, xmax, in progress) and the WAL position L at its start.
 *
 * <p>{@link #seq()} is S, the longest prefix of the log fully visible in it. Entries after S may be
 * visible too (their transactions committed before the snapshot but were sequenced after S, or
 * became visible out of commit order); {@link #includes} tells them apart from the xid the entry
 * records, so a reader of the log after S skips exactly those. Only entries that committed below L
 * can be included; {@link #includes} answers false beyond that without looking.
 *
 * <p>Used by one thread at a time, like RocksDB's; closing ends the transaction. The inclusion
 * test keeps working after {@link #close}.
 */
final class PostgresReadSnapshot implements ReadSnapshot {
  private final Connection connection;
  private final DataSource pool;
  private final DocumentRows documents;
  private final IndexScans indexes;
  private final long xmin;
  private final long xmax;
  private final long[] inProgress;
  private final long walAtStart;
  private final long seq;
  private final long mark;
  private volatile long settled = -1;

  private PostgresReadSnapshot(Connection connection, DataSource pool, int pageSize, long xmin, long xmax,
                               long[] inProgress, long walAtStart, long seq, long mark) {
    this.connection = connection;
    this.pool = pool;
    DataSource pinned = PinnedConnection.of(connection);
    this.documents = new DocumentRows(pinned, pageSize);
    this.indexes = new IndexScans(pinned, pageSize);
    this.xmin = xmin;
    this.xmax = xmax;
    this.inProgress = inProgress;
    this.walAtStart = walAtStart;
    this.seq = seq;
    this.mark = mark;
  }

  static PostgresReadSnapshot open(DataSource pool, int pageSize) {
    Connection c = null;
    try {
      c = pool.getConnection();
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      long xmin;
      long xmax;
      long[] xip;
      long wal;
      try (Statement s = c.createStatement();
           ResultSet r = s.executeQuery("SELECT pg_snapshot_xmin(x)::text::bigint, pg_snapshot_xmax(x)::text::bigint,"
               + " coalesce((SELECT string_agg(i::text, ',') FROM pg_snapshot_xip(x) i), ''),"
               + " (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint FROM pg_current_snapshot() x")) {
        r.next();
        xmin = r.getLong(1);
        xmax = r.getLong(2);
        String list = r.getString(3);
        xip = list.isEmpty() ? new long[0] : Arrays.stream(list.split(",")).mapToLong(Long::parseLong).sorted().toArray();
        wal = r.getLong(4);
      }
      long visibleMax;
      // A log that retention emptied still has its seqs: everything below first_seq was visible
      // to the purge, whose commit this snapshot sees.
      try (Statement s = c.createStatement();
           ResultSet r = s.executeQuery("SELECT greatest(coalesce(max(seq), 0),"
               + " (SELECT first_seq - 1 FROM syntrix_sequencer WHERE id = 1)) FROM syntrix_changes")) {
        r.next();
        visibleMax = r.getLong(1);
      }
      // Entries up to visibleMax whose writer is not visible here: only recent ones can be (xid >= xmin).
      long firstHidden = Long.MAX_VALUE;
      try (PreparedStatement s = c.prepareStatement(
          "SELECT seq, xid FROM syntrix_changes WHERE xid >= ? AND seq <= ? ORDER BY seq")) {
        s.setLong(1, xmin);
        s.setLong(2, visibleMax);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            if (!visible(r.getLong(2), xmin, xmax, xip)) {
              firstHidden = r.getLong(1);
              break;
            }
          }
        }
      }
      long seq = firstHidden == Long.MAX_VALUE ? visibleMax : firstHidden - 1;
      return new PostgresReadSnapshot(c, pool, pageSize, xmin, xmax, xip, wal, seq, emitMark(pool));
    } catch (SQLException e) {
      closeQuietly(c);
      throw PgErrors.translate("opening a read snapshot", e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /**
   * Commits a {@link Sequencer#MARK} message after the snapshot started, so after every
   * transaction it can see; returns the message's LSN, which the mark's commit follows.
   */
  private static long emitMark(DataSource pool) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT (pg_logical_emit_message(true, '" + Sequencer.MARK
             + "', ''::bytea) - '0/0'::pg_lsn)::bigint")) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * Known once the sequencer's recorded position has passed this snapshot's mark: every
   * transaction the snapshot could see then has its seq, at most the recorded last seq (the two
   * are written together).
   */
  @Override
  public long settledThrough() {
    long known = settled;
    if (known >= 0) {
      return known;
    }
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT (end_lsn - '0/0'::pg_lsn)::bigint, last_seq FROM syntrix_sequencer"
             + " WHERE id = 1")) {
      if (r.next() && r.getLong(1) >= mark) {
        settled = Math.max(r.getLong(2), seq);
        return settled;
      }
      return -1;
    } catch (SQLException e) {
      throw PgErrors.translate("checking whether the change log has passed a read snapshot", e);
    }
  }

  /** {@code pg_visible_in_snapshot} for a committed transaction, without the transaction open. */
  static boolean visible(long xid, long xmin, long xmax, long[] inProgress) {
    return xid < xmin || (xid < xmax && Arrays.binarySearch(inProgress, xid) < 0);
  }

  @Override
  public long seq() {
    return seq;
  }

  /**
   * True when the change {@code entrySeq} is already reflected in this snapshot: every entry up
   * to {@link #seq()}, and later entries whose transaction was visible to it.
   */
  @Override
  public boolean includes(long entrySeq) {
    if (entrySeq <= seq) {
      return true;
    }
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT xid, (commit_lsn - '0/0'::pg_lsn)::bigint"
             + " FROM syntrix_changes WHERE seq = ?")) {
      s.setLong(1, entrySeq);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return false; // not sequenced yet: committed after any transaction this snapshot could see
        }
        return r.getLong(2) < walAtStart && visible(r.getLong(1), xmin, xmax, inProgress);
      }
    } catch (SQLException e) {
      throw PgErrors.translate("checking change " + entrySeq + " against a read snapshot", e);
    }
  }

  @Override
  public Optional<Document> get(String database, DocumentPath path, boolean includeDeleted) {
    return documents.get(database, path, includeDeleted);
  }

  @Override
  public Cursor<Document> scanCollection(String database, CollectionPath collection, String startAfterId,
                                         boolean includeDeleted, boolean descending) {
    return documents.scan(database, collection, startAfterId, includeDeleted, descending);
  }

  @Override
  public Cursor<IndexEntry> scanIndex(String database, CollectionPath collection, String field, IndexRange range,
                                      boolean descending, IndexEntry startAfter) {
    return indexes.scan(database, collection, field, range, descending, startAfter);
  }

  @Override
  public void close() {
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is going back to the pool, which checks it
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing more to release
    }
  }
}
