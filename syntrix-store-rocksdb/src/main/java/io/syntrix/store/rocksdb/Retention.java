package io.syntrix.store.rocksdb;

import io.syntrix.model.Document;
import io.syntrix.store.spi.ChangeCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Purges what retention no longer keeps: tombstones deleted before the cutoff (the document key,
 * its remaining index entries and the marker) and change-log entries committed before it (a
 * range delete from the front). Runs inside a committer group, so it never races a write of
 * the same document; one run handles at most {@link #MAX_PER_RUN} of each and reports whether
 * more remain.
 *
 * <p>Change-log timestamps are non-decreasing in seq order (the committer's clock never goes
 * back), so the purge stops at the first entry at or after the cutoff. The highest purged seq is
 * recorded in the metadata, so {@code lastSeq} survives a restart even when every entry is gone.
 */
final class Retention {
  static final int MAX_PER_RUN = 50_000;

  private Retention() {}

  /**
   * Deletes every document, index and overflow entry and the usage counters of one database in
   * constant work on the committer thread, so other tenants' writes wait for no scan: two range
   * deletes ({@code db 00} up to {@code db 01} holds exactly that database's keys) in one batch.
   * Its tombstone markers stay behind; {@link #purge} deletes a marker whose document is gone like
   * any other once it passes retention. Returns the number of documents removed (from the usage
   * counters, which are exact).
   */
  static long dropDatabase(Engine engine, UsageCounters counters, String database, org.rocksdb.WriteOptions options)
      throws RocksDBException {
    byte[] name = database.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] start = Keys.append(name, (byte) 0);
    byte[] end = Keys.append(name, (byte) 1);
    long documents = counters.of(database).usage().documents();
    try (WriteBatch wb = new WriteBatch()) {
      wb.deleteRange(engine.documents, start, end);
      wb.deleteRange(engine.index, start, end);
      counters.dropTo(wb, database);
      engine.db.write(options, wb);
    }
    return documents;
  }

  static PurgeResult purge(Engine engine, WriteBatch wb, Map<ByteBuffer, Document> overlay, long cutoffMillis,
                      long firstSeq) throws RocksDBException {
    int tombstones = 0;
    boolean more = false;
    try (RocksIterator it = engine.db.newIterator(engine.tombstones)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] marker = it.key();
        long deletedAt = Keys.readLong(marker, 0);
        if (deletedAt >= cutoffMillis) {
          break;
        }
        if (tombstones == MAX_PER_RUN) {
          more = true;
          break;
        }
        byte[] documentKey = Arrays.copyOfRange(marker, 8, marker.length);
        Keys.ParsedDocumentKey parsed = Keys.parseDocument(documentKey);
        ByteBuffer slot = ByteBuffer.wrap(documentKey);
        Document current = overlay.containsKey(slot) ? overlay.get(slot) : engine.readDocument(documentKey, parsed.path());
        if (current != null && current.deleted() && current.updatedAt() == deletedAt) {
          wb.delete(engine.documents, documentKey);
          // A tombstone has no data fields, so it has no overflow entries and counts for no usage.
          IndexMaintainer.update(Keys.collectionPrefix(parsed.database(), parsed.path().collection()), current, null,
              new Committer.BatchSink(wb, engine.index));
          overlay.put(slot, null);
        }
        wb.delete(engine.tombstones, marker);
        tombstones++;
      }
    }
    int changes = 0;
    long lastPurged = -1;
    try (RocksIterator it = engine.db.newIterator(engine.changes)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (ChangeCodec.timestampOf(it.value()) >= cutoffMillis) {
          break;
        }
        if (changes == MAX_PER_RUN) {
          more = true;
          break;
        }
        lastPurged = Keys.seqOf(it.key());
        changes++;
      }
    }
    if (lastPurged < 0) {
      return new PurgeResult(tombstones, 0, firstSeq, more);
    }
    wb.deleteRange(engine.changes, Keys.seq(0), Keys.seq(lastPurged + 1));
    wb.put(engine.meta, Engine.PURGED_THROUGH, Keys.seq(lastPurged));
    return new PurgeResult(tombstones, changes, lastPurged + 1, more);
  }
}
