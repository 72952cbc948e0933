package io.syntrix.store.rocksdb;

import io.syntrix.model.Document;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.spi.DocumentCodec;
import io.syntrix.store.spi.OrderedCode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The result of a full consistency check: every index and overflow entry the documents imply
 * exists and no other does, no index entry holds more than
 * {@link IndexMaintainer#MAX_INDEXED_VALUE_BYTES} bytes of value, every tombstone has its marker
 * and every marker its tombstone (or no document at all: what a drop leaves), the usage counters (in memory and on disk) equal a recount of
 * the documents, and the retained change log is gap-free from {@code firstSeq} to
 * {@code lastSeq}. Reads everything; meant for tests and operators, not for the request path.
 */
public record IntegrityReport(long documents, long indexEntries, long changeEntries, List<String> problems) {
  private static final int MAX_PROBLEMS = 100;

  public boolean isConsistent() {
    return problems.isEmpty();
  }

  static IntegrityReport check(Engine engine, ChangeLog log, UsageCounters counters) {
    List<String> problems = new ArrayList<>();
    Set<ByteBuffer> expectedIndex = new HashSet<>();
    Set<ByteBuffer> expectedMarkers = new HashSet<>();
    Map<String, UsageCounters.Counts> recount = new HashMap<>();
    long documents = 0;
    try (RocksIterator it = engine.db.newIterator(engine.documents)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        Keys.ParsedDocumentKey parsed = Keys.parseDocument(key);
        Document d = DocumentCodec.decode(parsed.path(), it.value());
        byte[] prefix = Keys.collectionPrefix(parsed.database(), parsed.path().collection());
        int overflow = 0;
        for (Map.Entry<String, byte[]> e : IndexMaintainer.entries(d).entrySet()) {
          expectedIndex.add(ByteBuffer.wrap(IndexMaintainer.entryKey(prefix, e.getKey(), e.getValue(), d.id())));
          overflow += IndexMaintainer.overflows(e.getValue()) ? 1 : 0;
        }
        if (d.deleted()) {
          expectedMarkers.add(ByteBuffer.wrap(Keys.tombstone(d.updatedAt(), key)));
        }
        long live = d.deleted() ? 0 : 1;
        recount.merge(parsed.database(), new UsageCounters.Counts(live, live * UsageCounters.storedSize(key, it.value()),
            overflow), (a, b) -> a.plus(b.documents(), b.storageBytes(), b.overflowEntries()));
        documents++;
      }
    }
    long indexEntries = 0;
    try (RocksIterator it = engine.db.newIterator(engine.index)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (!expectedIndex.remove(ByteBuffer.wrap(it.key()))) {
          note(problems, "index entry without a matching document field: " + printable(it.key()));
        }
        int valueBytes = valueBytes(it.key());
        if (valueBytes > IndexMaintainer.MAX_INDEXED_VALUE_BYTES) {
          note(problems, "index entry holds " + valueBytes + " bytes of value, more than the "
              + IndexMaintainer.MAX_INDEXED_VALUE_BYTES + " allowed: " + printable(it.key()));
        }
        indexEntries++;
      }
    }
    expectedIndex.forEach(k -> note(problems, "missing index entry: " + printable(k.array())));
    checkCounters(engine, counters, recount, problems);
    try (RocksIterator it = engine.db.newIterator(engine.tombstones)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] marker = it.key();
        // A marker whose document is gone altogether is what a database drop leaves; retention removes it.
        if (!expectedMarkers.remove(ByteBuffer.wrap(marker))
            && documentExists(engine, java.util.Arrays.copyOfRange(marker, 8, marker.length))) {
          note(problems, "tombstone marker without a tombstone: " + printable(marker));
        }
      }
    }
    expectedMarkers.forEach(k -> note(problems, "tombstone without a marker: " + printable(k.array())));
    long changes = 0;
    long expectedSeq = log.firstSeq();
    try (RocksIterator it = engine.db.newIterator(engine.changes)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        long seq = Keys.seqOf(it.key());
        if (seq != expectedSeq) {
          note(problems, "change log jumps from seq " + (expectedSeq - 1) + " to " + seq);
        }
        expectedSeq = seq + 1;
        changes++;
      }
    }
    if (expectedSeq != log.lastSeq() + 1) {
      note(problems, "change log ends at seq " + (expectedSeq - 1) + " but lastSeq is " + log.lastSeq());
    }
    return new IntegrityReport(documents, indexEntries, changes, List.copyOf(problems));
  }

  /** The counters the committer keeps, in memory and on disk, against a recount from the documents. */
  private static void checkCounters(Engine engine, UsageCounters counters, Map<String, UsageCounters.Counts> recount,
                                    List<String> problems) {
    Set<String> databases = new TreeSet<>(recount.keySet());
    databases.addAll(counters.databases());
    for (String db : databases) {
      UsageCounters.Counts expected = recount.getOrDefault(db, UsageCounters.Counts.ZERO);
      UsageCounters.Counts stored = stored(engine, db);
      if (!expected.equals(counters.of(db)) || !expected.equals(stored)) {
        note(problems, "usage of database " + db + " is counted as " + counters.of(db) + " (on disk " + stored
            + ") but its documents make " + expected);
      }
    }
  }

  private static boolean documentExists(Engine engine, byte[] key) {
    try {
      return engine.db.get(engine.documents, key) != null;
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read document key " + printable(key), e);
    }
  }

  private static UsageCounters.Counts stored(Engine engine, String database) {
    try {
      byte[] b = engine.db.get(engine.meta, UsageCounters.key(database));
      return b == null ? UsageCounters.Counts.ZERO : UsageCounters.Counts.decode(b);
    } catch (RocksDBException e) {
      throw new IllegalStateException("cannot read the usage counters of " + database, e);
    }
  }

  /**
   * Bytes of value an index key holds: the encoded value of an index entry, the head of an
   * overflow entry ({@code db 00 collection 00 [00 02] field* value-or-head id}).
   */
  private static int valueBytes(byte[] key) {
    int at = 0;
    for (int separators = 0; separators < 2; at++) {
      separators += key[at] == 0 ? 1 : 0;
    }
    int[] end = new int[1];
    if (key[at] == 0 && key[at + 1] == 2) {
      OrderedCode.decodeString(key, at + 2, end);
      return Math.min(IndexMaintainer.MAX_INDEXED_VALUE_BYTES, key.length - end[0]);
    }
    OrderedCode.decodeString(key, at, end);
    int valueStart = end[0];
    OrderedCode.decode(key, valueStart, end);
    return end[0] - valueStart;
  }

  private static void note(List<String> problems, String problem) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(problem);
    }
  }

  private static String printable(byte[] key) {
    StringBuilder sb = new StringBuilder();
    int shown = Math.min(key.length, 200);
    for (int i = 0; i < shown; i++) {
      byte b = key[i];
      sb.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF));
    }
    return key.length > shown ? sb + "... (" + key.length + " bytes)" : sb.toString();
  }
}
