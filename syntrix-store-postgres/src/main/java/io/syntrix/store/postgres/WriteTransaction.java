package io.syntrix.store.postgres;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.DatabaseUsage;
import io.syntrix.store.Write;
import io.syntrix.store.spi.WriteApplier;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One write as one PostgreSQL transaction (READ COMMITTED), run by a writer thread on a connection
 * it borrowed:
 * <ol>
 *   <li>lock the document's row ({@code SELECT ... FOR UPDATE}); a concurrent writer of the same
 *       document, in this process or another, waits here until the first commits, then reads
 *       what it committed;</li>
 *   <li>apply the shared write semantics ({@link WriteApplier}: ifMatch, judged versions, create
 *       conflicts) to what is stored; a refusal rolls back having written nothing;</li>
 *   <li>write the row: an {@code UPDATE} of the locked row, or, when there was none, an
 *       {@code INSERT ... ON CONFLICT DO NOTHING}: if another transaction inserted the row
 *       meanwhile, this waits for it and inserts nothing, and the write starts again at step 1
 *       (now the row exists and can be locked);</li>
 *   <li>apply the index-entry difference ({@link IndexDiff});</li>
 *   <li>put the change into the WAL with {@code pg_logical_emit_message} ({@link ChangeMessage}),
 *       tagged with the transaction id;</li>
 *   <li>add the usage delta to the database's {@code database_usage} row and check the quota
 *       against the result; the row lock makes the count exact across processes, and taking it
 *       last keeps it held only until the commit (every writer of a database passes it);</li>
 *   <li>commit.</li>
 * </ol>
 * Locks are taken in one order (document, then usage), so writers never deadlock each other.
 */
final class WriteTransaction {
  /** A committed write: its transaction id and its change, seq still 0. */
  record Committed(long xid, ChangeEvent change) {}

  /** The outcome of the insert in step 3 when another transaction created the row first. */
  private static final class RowAppeared extends Exception {
    RowAppeared() {
      super(null, null, false, false);
    }
  }

  private static final int MAX_CREATE_RACES = 5;

  private WriteTransaction() {}

  /** Runs {@code write} on {@code c} (autocommit off); returns it committed, or throws and rolls back. */
  static Committed run(Connection c, Write write, DatabaseQuota quota, long now) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        Committed done = attempt(c, write, quota, now);
        c.commit();
        return done;
      } catch (RowAppeared e) {
        if (attempt == MAX_CREATE_RACES) {
          c.rollback();
          throw new SQLException("document '" + write.path() + "' kept appearing and disappearing while being created", "40001");
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static Committed attempt(Connection c, Write write, DatabaseQuota quota, long now)
      throws SQLException, RowAppeared {
    String db = write.database();
    DocumentPath path = write.path();
    Stored current = lock(c, db, path);
    WriteApplier.Applied applied = WriteApplier.apply(write, current == null ? null : current.document(), now);
    Document after = applied.after();
    String json = Json.toString(after.data());
    long afterSize = storedSize(db, path, json);
    if (current == null) {
      if (!insert(c, db, after, json, afterSize)) {
        throw new RowAppeared();
      }
    } else {
      update(c, db, after, json, afterSize);
    }
    IndexDiff.apply(c, db, current == null ? null : current.document(), after);
    ChangeEvent change = new ChangeEvent(0, db, path, applied.op(), applied.before(), after, now);
    long xid = emit(c, change);
    long addedDocuments = live(after) - (current == null ? 0 : live(current.document()));
    long addedBytes = live(after) * afterSize - (current == null ? 0 : live(current.document()) * current.size());
    addUsage(c, db, quota, addedDocuments, addedBytes);
    return new Committed(xid, change);
  }

  /** The stored row and the bytes it counts for. */
  private record Stored(Document document, long size) {}

  private static Stored lock(Connection c, String db, DocumentPath path) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + DocumentRows.COLUMNS
        + ", stored_bytes FROM documents WHERE db = ? AND collection = ? AND id = ? FOR UPDATE")) {
      s.setString(1, db);
      s.setString(2, path.collection().value());
      s.setString(3, path.id());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Stored(DocumentRows.document(path.collection(), rs, 1), rs.getLong(7)) : null;
      }
    }
  }

  private static boolean insert(Connection c, String db, Document d, String json, long size) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO documents (data, version, created_at, updated_at,"
        + " deleted, stored_bytes, db, collection, id) VALUES (?::json, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      bind(s, db, d, json, size);
      return s.executeUpdate() == 1;
    }
  }

  private static void update(Connection c, String db, Document d, String json, long size) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE documents SET data = ?::json, version = ?, created_at = ?,"
        + " updated_at = ?, deleted = ?, stored_bytes = ? WHERE db = ? AND collection = ? AND id = ?")) {
      bind(s, db, d, json, size);
      s.executeUpdate();
    }
  }

  private static void bind(PreparedStatement s, String db, Document d, String json, long size) throws SQLException {
    s.setString(1, json);
    s.setLong(2, d.version());
    s.setLong(3, d.createdAt());
    s.setLong(4, d.updatedAt());
    s.setBoolean(5, d.deleted());
    s.setLong(6, size);
    s.setString(7, db);
    s.setString(8, d.collection().value());
    s.setString(9, d.id());
  }

  /** Emits the change message; returns the transaction id it carries. */
  private static long emit(Connection c, ChangeEvent change) throws SQLException {
    long xid;
    try (PreparedStatement s = c.prepareStatement("SELECT pg_current_xact_id()::text::bigint");
         ResultSet rs = s.executeQuery()) {
      rs.next();
      xid = rs.getLong(1);
    }
    try (PreparedStatement s = c.prepareStatement("SELECT pg_logical_emit_message(true, '" + ChangeMessage.PREFIX
        + "', ?::bytea)")) {
      s.setBytes(1, ChangeMessage.encode(xid, change));
      s.executeQuery().close();
    }
    return xid;
  }

  private static void addUsage(Connection c, String db, DatabaseQuota quota, long documents, long bytes)
      throws SQLException {
    if (documents == 0 && bytes == 0) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO database_usage AS u (db, documents, storage_bytes)"
        + " VALUES (?, ?, ?) ON CONFLICT (db) DO UPDATE SET documents = u.documents + EXCLUDED.documents,"
        + " storage_bytes = u.storage_bytes + EXCLUDED.storage_bytes RETURNING documents, storage_bytes")) {
      s.setString(1, db);
      s.setLong(2, documents);
      s.setLong(3, bytes);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        // The counts before this write, as of every write committed before it (we hold the row).
        quota.check(db, new DatabaseUsage(rs.getLong(1) - documents, rs.getLong(2) - bytes), documents, bytes);
      }
    }
  }

  /**
   * What a live document counts for in {@code storage_bytes}: the same measure as the embedded
   * engine's (its key {@code db 00 collection 00 id} and its {@code DocumentCodec} form: a 26-byte
   * header and the compact JSON), so a quota means the same on both engines.
   */
  static long storedSize(String db, DocumentPath path, String json) {
    return utf8(db) + 1 + utf8(path.collection().value()) + 1 + utf8(path.id()) + 26 + utf8(json);
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static long live(Document d) {
    return d.deleted() ? 0 : 1;
  }
}
