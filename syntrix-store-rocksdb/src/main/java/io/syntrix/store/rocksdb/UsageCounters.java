package io.syntrix.store.rocksdb;

import io.syntrix.model.Document;
import io.syntrix.store.DatabaseUsage;
import io.syntrix.store.spi.DocumentCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-database counters kept in step with the data by the committer: live documents, the bytes
 * they take in the {@code documents} column family (key plus stored value, before compression),
 * and overflow entries ({@link IndexMaintainer}). Quotas are checked against them, so no write
 * ever scans a database.
 *
 * <p><b>Persistence.</b> Meta key {@code usage 00 db} holds {@code [documents][storageBytes]
 * [overflowEntries]} (8 bytes each), put in the same {@code WriteBatch} as the writes that changed
 * them: after a crash the counters agree with the documents exactly. {@code usage_counted} marks a
 * store whose counters exist; a store written before they existed is counted once when it opens
 * ({@link #load}), which also moves index entries of too-large values to overflow entries.
 *
 * <p><b>Threads.</b> Changed only by the committer thread, through a {@link Group} that makes a
 * group's changes visible to its own later writes at once and to everyone else only once its batch
 * is written. Read from any thread. The store-wide overflow total is never below the number of
 * overflow entries on disk (increases count before the batch is written, decreases after), so a
 * reader that sees zero may skip overflow entries altogether.
 */
final class UsageCounters {
  private static final Logger log = LoggerFactory.getLogger(UsageCounters.class);
  private static final byte[] PREFIX = "usage\0".getBytes(StandardCharsets.UTF_8);
  static final byte[] COUNTED = "usage_counted".getBytes(StandardCharsets.UTF_8);
  private static final int UPGRADE_BATCH = 10_000;

  /** One database's counters. */
  record Counts(long documents, long storageBytes, long overflowEntries) {
    static final Counts ZERO = new Counts(0, 0, 0);

    Counts plus(long documents, long storageBytes, long overflowEntries) {
      return new Counts(this.documents + documents, this.storageBytes + storageBytes,
          this.overflowEntries + overflowEntries);
    }

    DatabaseUsage usage() {
      return new DatabaseUsage(documents, storageBytes);
    }

    byte[] encode() {
      byte[] b = new byte[24];
      Keys.longBytes(documents, b, 0);
      Keys.longBytes(storageBytes, b, 8);
      Keys.longBytes(overflowEntries, b, 16);
      return b;
    }

    static Counts decode(byte[] b) {
      return new Counts(Keys.readLong(b, 0), Keys.readLong(b, 8), Keys.readLong(b, 16));
    }
  }

  private final Engine engine;
  private final Map<String, Counts> committed;
  private final AtomicLong overflowEntries = new AtomicLong();

  private UsageCounters(Engine engine, Map<String, Counts> counts) {
    this.engine = engine;
    this.committed = new ConcurrentHashMap<>(counts);
    counts.values().forEach(c -> overflowEntries.addAndGet(c.overflowEntries()));
  }

  Counts of(String database) {
    return committed.getOrDefault(database, Counts.ZERO);
  }

  /** Databases that have counters (for the integrity check). */
  java.util.Set<String> databases() {
    return java.util.Set.copyOf(committed.keySet());
  }

  /** Overflow entries in the whole store; never below the true number (see the class comment). */
  long overflowEntries() {
    return overflowEntries.get();
  }

  static byte[] key(String database) {
    byte[] name = database.getBytes(StandardCharsets.UTF_8);
    byte[] key = java.util.Arrays.copyOf(PREFIX, PREFIX.length + name.length);
    System.arraycopy(name, 0, key, PREFIX.length, name.length);
    return key;
  }

  /** The stored size a document counts for: its key and its encoded value. */
  static long storedSize(byte[] key, byte[] value) {
    return key.length + (long) value.length;
  }

  /** Changes of one commit group; see the class comment. Committer thread only. */
  final class Group {
    private final Map<String, Counts> pending = new HashMap<>();
    private long overflowAdded;
    private long overflowRemoved;
    private boolean raised;

    Counts of(String database) {
      Counts c = pending.get(database);
      return c != null ? c : UsageCounters.this.of(database);
    }

    void add(String database, long documents, long storageBytes, long overflow) {
      if (documents != 0 || storageBytes != 0 || overflow != 0) {
        pending.put(database, of(database).plus(documents, storageBytes, overflow));
        if (overflow > 0) {
          overflowAdded += overflow;
        } else {
          overflowRemoved -= overflow;
        }
      }
    }

    /** Puts the changed counters into the group's batch and raises the overflow total ahead of it. */
    void writeTo(WriteBatch wb) throws RocksDBException {
      for (Map.Entry<String, Counts> e : pending.entrySet()) {
        wb.put(engine.meta, key(e.getKey()), e.getValue().encode());
      }
      overflowEntries.addAndGet(overflowAdded);
      raised = true;
    }

    /** The batch was written: the counters become everyone's. */
    void committed() {
      committed.putAll(pending);
      overflowEntries.addAndGet(-overflowRemoved);
    }

    /** The batch was refused: nothing changed. */
    void failed() {
      if (raised) {
        overflowEntries.addAndGet(-overflowAdded);
      }
    }
  }

  Group group() {
    return new Group();
  }

  /** Adds the removal of a database's counters to {@code wb} (a drop). */
  void dropTo(WriteBatch wb, String database) throws RocksDBException {
    wb.delete(engine.meta, key(database));
  }

  /** The drop was written. Committer thread only. */
  void dropped(String database) {
    Counts gone = committed.remove(database);
    if (gone != null) {
      overflowEntries.addAndGet(-gone.overflowEntries());
    }
  }

  /** Reads the counters; counts them first (once) in a store that has none. */
  static UsageCounters load(Engine engine) throws RocksDBException {
    if (engine.db.get(engine.meta, COUNTED) == null) {
      return new UsageCounters(engine, countAndUpgrade(engine));
    }
    Map<String, Counts> counts = new HashMap<>();
    try (RocksIterator it = engine.db.newIterator(engine.meta)) {
      for (it.seek(PREFIX); it.isValid() && Keys.startsWith(it.key(), PREFIX); it.next()) {
        String db = new String(it.key(), PREFIX.length, it.key().length - PREFIX.length, StandardCharsets.UTF_8);
        counts.put(db, Counts.decode(it.value()));
      }
    }
    return new UsageCounters(engine, counts);
  }

  /**
   * Counts every database from its documents, and moves index entries of values too large to
   * index (written before the limit existed) to overflow entries. Runs before the committer
   * starts; idempotent, so a crash part-way just means it runs again.
   */
  private static Map<String, Counts> countAndUpgrade(Engine engine) throws RocksDBException {
    Map<String, Counts> counts = new HashMap<>();
    long documents = 0;
    try (WriteOptions options = new WriteOptions().setSync(true);
         RocksIterator it = engine.db.newIterator(engine.documents)) {
      WriteBatch wb = new WriteBatch();
      try {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          Keys.ParsedDocumentKey parsed = Keys.parseDocument(it.key());
          Document d = DocumentCodec.decode(parsed.path(), it.value());
          byte[] prefix = Keys.collectionPrefix(parsed.database(), parsed.path().collection());
          int overflow = 0;
          for (Map.Entry<String, byte[]> e : IndexMaintainer.entries(d).entrySet()) {
            if (IndexMaintainer.overflows(e.getValue())) {
              wb.delete(engine.index, Keys.indexEntry(Keys.indexPrefix(prefix, e.getKey()), e.getValue(), d.id()));
              wb.put(engine.index, IndexMaintainer.entryKey(prefix, e.getKey(), e.getValue(), d.id()), Committer.EMPTY);
              overflow++;
            }
          }
          long live = d.deleted() ? 0 : 1;
          counts.merge(parsed.database(), new Counts(live, live * storedSize(it.key(), it.value()), overflow),
              (a, b) -> a.plus(b.documents(), b.storageBytes(), b.overflowEntries()));
          if (++documents % UPGRADE_BATCH == 0) {
            engine.db.write(options, wb);
            wb.close();
            wb = new WriteBatch();
          }
        }
        for (Map.Entry<String, Counts> e : counts.entrySet()) {
          wb.put(engine.meta, key(e.getKey()), e.getValue().encode());
        }
        wb.put(engine.meta, COUNTED, Committer.EMPTY);
        engine.db.write(options, wb);
      } finally {
        wb.close();
      }
    }
    if (documents > 0) {
      log.info("counted the usage of {} databases from {} stored documents (once, for quotas)", counts.size(), documents);
    }
    return counts;
  }
}
