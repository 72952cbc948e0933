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
 * it borrowed, in three round trips (a create of a document that does not exist, in a database
 * without a quota, in one: {@link #createIfAbsent}):
 * <ol>
 *   <li>lock the document's row ({@code SELECT ... FOR UPDATE}); a concurrent writer of the same
 *       document, in this process or another, waits here until the first commits, then reads
 *       what it committed. The shared write semantics ({@link WriteApplier}: ifMatch, judged
 *       versions, create conflicts) then decide on what is stored; a refusal rolls back having
 *       written nothing;</li>
 *   <li>one statement ({@link WriteStatement}) writes the row (an {@code UPDATE} of the locked row,
 *       or an {@code INSERT ... ON CONFLICT DO NOTHING}), applies the index-entry difference
 *       ({@link IndexDiff}), puts the change into the WAL with {@code pg_logical_emit_message}
 *       ({@link ChangeMessage}, tagged with the transaction id) and adds the usage delta, whose
 *       counts the quota is then checked against. If another transaction inserted the row
 *       meanwhile, nothing was inserted (or an index entry collided with that transaction's): the
 *       write rolls back and starts again at step 1, where the row now exists and can be locked;</li>
 *   <li>commit.</li>
 * </ol>
 * Locks are taken in one order (document, then usage), so writers never deadlock each other.
 * Usage: see {@link WriteStatement.Usage}; only a database with a quota orders its writers on one
 * row, which is what keeps concurrent writers from overshooting the quota together.
 */
final class WriteTransaction {
  /** A committed write: its transaction id and its change, seq still 0. */
  record Committed(long xid, ChangeEvent change) {}

  /** The outcome of step 2 when another transaction created the row first. */
  private static final class RowAppeared extends Exception {
    RowAppeared() {
      super(null, null, false, false);
    }
  }

  private static final int MAX_CREATE_RACES = 5;
  private static final String UNIQUE_VIOLATION = "23505";

  private WriteTransaction() {}

  /**
   * Runs {@code write} on {@code c}; returns it committed, or throws having written nothing (the
   * pool resets autocommit when {@code c} goes back). {@code shard} is the calling writer thread's usage shard (1..64).
   */
  static Committed run(Connection c, Write write, DatabaseQuota quota, long now, int shard) throws SQLException {
    if (write instanceof Write.Create && quota.maxDocuments() == 0 && quota.maxStorageBytes() == 0) {
      Committed created = createIfAbsent(c, write, now, shard);
      if (created != null) {
        return created;
      }
    }
    c.setAutoCommit(false);
    for (int attempt = 1; ; attempt++) {
      try {
        Committed done = attempt(c, write, quota, now, shard);
        c.commit();
        return done;
      } catch (RowAppeared e) {
        c.rollback();
        if (attempt == MAX_CREATE_RACES) {
          throw new SQLException("document '" + write.path() + "' kept appearing and disappearing while being created", "40001");
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * The common create, of a document that does not exist, without a lock: one statement in
   * autocommit that writes everything only if it inserted the row. Null when a row (a document or
   * a tombstone) is there: then nothing was written and the locking path decides.
   */
  private static Committed createIfAbsent(Connection c, Write write, long now, int shard) throws SQLException {
    WriteApplier.Applied applied = WriteApplier.apply(write, null, now);
    Document after = applied.after();
    String json = Json.toString(after.data());
    ChangeEvent change = new ChangeEvent(0, write.database(), write.path(), applied.op(), null, after, now);
    c.setAutoCommit(true);
    WriteStatement.Result r = WriteStatement.createIfAbsent(c, write.database(), after, json,
        storedSize(write.database(), write.path(), json), IndexDiff.of(null, after), ChangeMessage.encode(0, change),
        shard);
    return r.written() ? new Committed(r.xid(), change) : null;
  }

  private static Committed attempt(Connection c, Write write, DatabaseQuota quota, long now, int shard)
      throws SQLException, RowAppeared {
    String db = write.database();
    DocumentPath path = write.path();
    Stored current = lock(c, db, path);
    WriteApplier.Applied applied = WriteApplier.apply(write, current == null ? null : current.document(), now);
    Document after = applied.after();
    String json = Json.toString(after.data());
    long afterSize = storedSize(db, path, json);
    ChangeEvent change = new ChangeEvent(0, db, path, applied.op(), applied.before(), after, now);
    long addedDocuments = live(after) - (current == null ? 0 : live(current.document()));
    long addedBytes = live(after) * afterSize - (current == null ? 0 : live(current.document()) * current.size());
    WriteStatement.Usage usage = addedDocuments == 0 && addedBytes == 0 ? WriteStatement.Usage.UNCHANGED
        : quota.maxDocuments() == 0 && quota.maxStorageBytes() == 0 ? WriteStatement.Usage.SHARD
        : WriteStatement.Usage.QUOTA;
    WriteStatement.Result r;
    try {
      r = WriteStatement.run(c, db, after, json, afterSize, current == null,
          IndexDiff.of(current == null ? null : current.document(), after), ChangeMessage.encode(0, change), usage,
          shard, addedDocuments, addedBytes);
    } catch (SQLException e) {
      if (current == null && UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new RowAppeared(); // an index entry of the document another transaction just created
      }
      throw e;
    }
    if (!r.written()) {
      throw new RowAppeared();
    }
    if (usage == WriteStatement.Usage.QUOTA) {
      // The counts before this write, as of every write committed before it (we hold shard 0).
      quota.check(db, new DatabaseUsage(r.documents() - addedDocuments, r.storageBytes() - addedBytes),
          addedDocuments, addedBytes);
    }
    return new Committed(r.xid(), change);
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
