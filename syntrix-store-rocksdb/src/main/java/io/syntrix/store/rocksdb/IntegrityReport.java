package io.syntrix.store.rocksdb;

import io.syntrix.model.Document;
import io.syntrix.store.ChangeLog;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rocksdb.RocksIterator;

/**
 * The result of a full consistency check: every index entry the documents imply exists and no
 * other does, every tombstone has its marker and every marker its tombstone, and the retained
 * change log is gap-free from {@code firstSeq} to {@code lastSeq}. Reads everything; meant for
 * tests and operators, not for the request path.
 */
public record IntegrityReport(long documents, long indexEntries, long changeEntries, List<String> problems) {
  private static final int MAX_PROBLEMS = 100;

  public boolean isConsistent() {
    return problems.isEmpty();
  }

  static IntegrityReport check(Engine engine, ChangeLog log) {
    List<String> problems = new ArrayList<>();
    Set<ByteBuffer> expectedIndex = new HashSet<>();
    Set<ByteBuffer> expectedMarkers = new HashSet<>();
    long documents = 0;
    try (RocksIterator it = engine.db.newIterator(engine.documents)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        Keys.ParsedDocumentKey parsed = Keys.parseDocument(key);
        Document d = DocumentCodec.decode(parsed.path(), it.value());
        byte[] prefix = Keys.collectionPrefix(parsed.database(), parsed.path().collection());
        for (Map.Entry<String, byte[]> e : IndexMaintainer.entries(d).entrySet()) {
          expectedIndex.add(ByteBuffer.wrap(Keys.indexEntry(Keys.indexPrefix(prefix, e.getKey()), e.getValue(), d.id())));
        }
        if (d.deleted()) {
          expectedMarkers.add(ByteBuffer.wrap(Keys.tombstone(d.updatedAt(), key)));
        }
        documents++;
      }
    }
    long indexEntries = 0;
    try (RocksIterator it = engine.db.newIterator(engine.index)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (!expectedIndex.remove(ByteBuffer.wrap(it.key()))) {
          note(problems, "index entry without a matching document field: " + printable(it.key()));
        }
        indexEntries++;
      }
    }
    expectedIndex.forEach(k -> note(problems, "missing index entry: " + printable(k.array())));
    try (RocksIterator it = engine.db.newIterator(engine.tombstones)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (!expectedMarkers.remove(ByteBuffer.wrap(it.key()))) {
          note(problems, "tombstone marker without a tombstone: " + printable(it.key()));
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

  private static void note(List<String> problems, String problem) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(problem);
    }
  }

  private static String printable(byte[] key) {
    StringBuilder sb = new StringBuilder();
    for (byte b : key) {
      sb.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF));
    }
    return sb.toString();
  }
}
