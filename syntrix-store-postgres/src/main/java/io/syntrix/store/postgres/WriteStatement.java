package io.syntrix.store.postgres;

import io.syntrix.model.Document;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Everything a write changes after it locked the document's row, as one SQL statement (one round
 * trip instead of one per table): the document row, the index-entry difference, the change message
 * into the WAL, and the usage delta. Data-modifying {@code WITH} parts all run, in one snapshot,
 * on different tables, so their order does not matter; the final {@code SELECT} returns whether
 * the document row was written, the transaction id the message carries, and the usage counts the
 * quota check needs.
 *
 * <p>Six texts in all (insert or update × no usage change, a usage shard, the quota's shard 0),
 * each prepared once per connection by pgjdbc's statement cache, and a seventh for a create that
 * needs no lock ({@link #createIfAbsent}).
 */
final class WriteStatement {
  /** How the write's usage delta is recorded. */
  enum Usage {
    /** The write changes no count (an update of the same size). */
    UNCHANGED,
    /** No quota: add to the writer's own shard, so writers of one database do not queue on one row. */
    SHARD,
    /** Under a quota: add to shard 0, whose lock orders the quota checks, and read the other shards' sum. */
    QUOTA
  }

  /** What the statement returned; the usage counts are 0 for {@link Usage#UNCHANGED}. */
  record Result(boolean written, long xid, long documents, long storageBytes) {}

  private static final String[] TEXTS = new String[6];
  private static final String CREATE_IF_ABSENT = createIfAbsentText();

  static {
    for (boolean insert : new boolean[] {true, false}) {
      for (Usage usage : Usage.values()) {
        TEXTS[index(insert, usage)] = text(insert, usage);
      }
    }
  }

  private WriteStatement() {}

  private static int index(boolean insert, Usage usage) {
    return (insert ? 0 : 3) + usage.ordinal();
  }

  private static String text(boolean insert, Usage usage) {
    StringBuilder sql = new StringBuilder("WITH doc AS (");
    if (insert) {
      sql.append("INSERT INTO documents (data, version, created_at, updated_at, deleted, stored_bytes, db, collection,"
          + " id) VALUES (?::json, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1)");
    } else {
      sql.append("UPDATE documents SET data = ?::json, version = ?, created_at = ?, updated_at = ?, deleted = ?,"
          + " stored_bytes = ? WHERE db = ? AND collection = ? AND id = ? RETURNING 1)");
    }
    sql.append(", gone_index AS (DELETE FROM index_entries e USING unnest(?::text[], ?::bytea[]) AS g(field, value)"
        + " WHERE e.db = ? AND e.collection = ? AND e.doc_id = ? AND e.field = g.field AND e.value = g.value)");
    sql.append(", gone_overflow AS (DELETE FROM overflow_entries e USING unnest(?::text[], ?::bytea[]) AS g(field,"
        + " head) WHERE e.db = ? AND e.collection = ? AND e.doc_id = ? AND e.field = g.field AND e.head = g.head)");
    sql.append(", added_index AS (INSERT INTO index_entries (db, collection, field, value, doc_id)"
        + " SELECT ?, ?, a.field, a.value, ? FROM unnest(?::text[], ?::bytea[]) AS a(field, value))");
    sql.append(", added_overflow AS (INSERT INTO overflow_entries (db, collection, field, head, doc_id)"
        + " SELECT ?, ?, a.field, a.head, ? FROM unnest(?::text[], ?::bytea[]) AS a(field, head))");
    if (usage != Usage.UNCHANGED) {
      sql.append(", usage AS (INSERT INTO database_usage AS u (db, shard, documents, storage_bytes) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (db, shard) DO UPDATE SET documents = u.documents + EXCLUDED.documents,"
          + " storage_bytes = u.storage_bytes + EXCLUDED.storage_bytes RETURNING documents, storage_bytes)");
    }
    // The message's bytes 2..9 are the xid (ChangeMessage's layout), filled in here so the one
    // statement both learns the xid and emits the message.
    sql.append(" SELECT (SELECT count(*) FROM doc), x.xid, pg_logical_emit_message(true, '").append(ChangeMessage.PREFIX)
        .append("', overlay(?::bytea placing int8send(x.xid) from 2 for 8))");
    switch (usage) {
      case UNCHANGED -> sql.append(", 0, 0");
      case SHARD -> sql.append(", (SELECT documents FROM usage), (SELECT storage_bytes FROM usage)");
      case QUOTA -> sql.append(", (SELECT documents FROM usage) + o.documents, (SELECT storage_bytes FROM usage)"
          + " + o.storage_bytes");
    }
    sql.append(" FROM (SELECT pg_current_xact_id()::text::bigint AS xid) x");
    if (usage == Usage.QUOTA) {
      sql.append(", (SELECT coalesce(sum(documents), 0) AS documents, coalesce(sum(storage_bytes), 0) AS storage_bytes"
          + " FROM database_usage WHERE db = ? AND shard <> 0) o");
    }
    return sql.toString();
  }

  /**
   * A create as a statement complete in itself (run in autocommit: one round trip, one commit):
   * the row is inserted unless one exists, and everything else happens only if it was, so when a
   * row (a document or a tombstone) is there, the statement changes nothing and the caller takes
   * the locking path. Usage goes to a shard; only a database without a quota may use this.
   */
  private static String createIfAbsentText() {
    String inserted = " WHERE EXISTS (SELECT 1 FROM doc)";
    return "WITH doc AS (INSERT INTO documents (data, version, created_at, updated_at, deleted, stored_bytes, db,"
        + " collection, id) VALUES (?::json, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1)"
        + ", added_index AS (INSERT INTO index_entries (db, collection, field, value, doc_id)"
        + " SELECT ?, ?, a.field, a.value, ? FROM unnest(?::text[], ?::bytea[]) AS a(field, value)" + inserted + ")"
        + ", added_overflow AS (INSERT INTO overflow_entries (db, collection, field, head, doc_id)"
        + " SELECT ?, ?, a.field, a.head, ? FROM unnest(?::text[], ?::bytea[]) AS a(field, head)" + inserted + ")"
        + ", usage AS (INSERT INTO database_usage AS u (db, shard, documents, storage_bytes) SELECT ?, ?, ?, ?" + inserted
        + " ON CONFLICT (db, shard) DO UPDATE SET documents = u.documents + EXCLUDED.documents,"
        + " storage_bytes = u.storage_bytes + EXCLUDED.storage_bytes)"
        + " SELECT (SELECT count(*) FROM doc), x.xid, CASE WHEN EXISTS (SELECT 1 FROM doc) THEN"
        + " pg_logical_emit_message(true, '" + ChangeMessage.PREFIX + "', overlay(?::bytea placing int8send(x.xid)"
        + " from 2 for 8)) END FROM (SELECT pg_current_xact_id()::text::bigint AS xid) x";
  }

  /**
   * Runs {@link #createIfAbsentText} for the new document {@code after}; {@link Result#written}
   * tells whether it was created (and committed, when {@code c} is in autocommit).
   */
  static Result createIfAbsent(Connection c, String db, Document after, String json, long storedBytes,
                               IndexDiff diff, byte[] message, int shard) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(CREATE_IF_ABSENT)) {
      String collection = after.collection().value();
      int i = bindDocument(s, db, after, json, storedBytes);
      for (IndexDiff.Rows added : new IndexDiff.Rows[] {diff.addedIndex(), diff.addedOverflow()}) {
        s.setString(i++, db);
        s.setString(i++, collection);
        s.setString(i++, after.id());
        i = bindRows(c, s, i, added);
      }
      s.setString(i++, db);
      s.setShort(i++, (short) shard);
      s.setLong(i++, 1);
      s.setLong(i++, storedBytes);
      s.setBytes(i, message);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Result(rs.getLong(1) == 1, rs.getLong(2), 0, 0);
      }
    }
  }

  private static int bindDocument(PreparedStatement s, String db, Document after, String json, long storedBytes)
      throws SQLException {
    int i = 1;
    s.setString(i++, json);
    s.setLong(i++, after.version());
    s.setLong(i++, after.createdAt());
    s.setLong(i++, after.updatedAt());
    s.setBoolean(i++, after.deleted());
    s.setLong(i++, storedBytes);
    s.setString(i++, db);
    s.setString(i++, after.collection().value());
    s.setString(i++, after.id());
    return i;
  }

  /**
   * Runs the statement for {@code after} (inserted when {@code insert}, else updated) with its
   * index difference, change message ({@link ChangeMessage} bytes, xid still zero) and usage delta
   * added to {@code shard} ({@link Usage#SHARD}) or shard 0 ({@link Usage#QUOTA}).
   */
  static Result run(Connection c, String db, Document after, String json, long storedBytes, boolean insert,
                    IndexDiff diff, byte[] message, Usage usage, int shard, long addedDocuments, long addedBytes)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(TEXTS[index(insert, usage)])) {
      String collection = after.collection().value();
      String id = after.id();
      int i = bindDocument(s, db, after, json, storedBytes);
      for (IndexDiff.Rows gone : new IndexDiff.Rows[] {diff.goneIndex(), diff.goneOverflow()}) {
        i = bindRows(c, s, i, gone);
        s.setString(i++, db);
        s.setString(i++, collection);
        s.setString(i++, id);
      }
      for (IndexDiff.Rows added : new IndexDiff.Rows[] {diff.addedIndex(), diff.addedOverflow()}) {
        s.setString(i++, db);
        s.setString(i++, collection);
        s.setString(i++, id);
        i = bindRows(c, s, i, added);
      }
      if (usage != Usage.UNCHANGED) {
        s.setString(i++, db);
        s.setShort(i++, (short) (usage == Usage.QUOTA ? 0 : shard));
        s.setLong(i++, addedDocuments);
        s.setLong(i++, addedBytes);
      }
      s.setBytes(i++, message);
      if (usage == Usage.QUOTA) {
        s.setString(i++, db);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Result(rs.getLong(1) == 1, rs.getLong(2), rs.getLong(4), rs.getLong(5));
      }
    }
  }

  private static int bindRows(Connection c, PreparedStatement s, int i, IndexDiff.Rows rows) throws SQLException {
    s.setArray(i, c.createArrayOf("text", rows.fields()));
    s.setArray(i + 1, c.createArrayOf("bytea", rows.values()));
    return i + 2;
  }
}
