package io.syntrix.store.rocksdb;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.ResourcePaths;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.DatabaseUsage;
import io.syntrix.store.Cursor;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.StoreException;
import io.syntrix.store.Write;
import io.syntrix.store.spi.ChangeCodec;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link DocumentStore} on RocksDB (D3).
 *
 * <p>Reads (get, scans, change-log reads) go straight to RocksDB from the caller's thread. Every
 * write goes through the single {@link Committer}, which sequences it, applies it and commits
 * document, index deltas and change-log entry in one {@code WriteBatch}. A retention thread
 * ({@code syntrix-retention}) periodically queues a purge of tombstones and change-log entries
 * older than the retention period; the committer runs it like a write.
 *
 * <p>On open the store recovers its position from disk: the last seq from the last change-log
 * entry (or the recorded purge point when retention emptied the log), and the commit clock from
 * that entry's timestamp.
 */
public final class RocksDocumentStore implements DocumentStore {
  private static final Logger log = LoggerFactory.getLogger(RocksDocumentStore.class);

  private final RocksStoreOptions options;
  private final Engine engine;
  private final Committer committer;
  private final RocksChangeLog changeLog;
  private final RocksReads live;
  private final UsageCounters counters;
  private final RocksSystemStore system;
  private final ScheduledExecutorService retention;
  private final Clock clock;

  private RocksDocumentStore(RocksStoreOptions options, Clock clock) throws RocksDBException {
    this.options = options;
    this.clock = clock;
    this.engine = new Engine(options); // loads the native library first
    this.counters = UsageCounters.load(engine);
    this.live = new RocksReads(engine, new org.rocksdb.ReadOptions(), counters::overflowEntries);
    long lastSeq = 0;
    long firstSeq;
    long lastTimestamp = 0;
    byte[] purgedThrough = engine.db.get(engine.meta, Engine.PURGED_THROUGH);
    if (purgedThrough != null) {
      lastSeq = Keys.seqOf(purgedThrough);
    }
    try (RocksIterator it = engine.db.newIterator(engine.changes)) {
      it.seekToLast();
      if (it.isValid()) {
        lastSeq = Keys.seqOf(it.key());
        lastTimestamp = ChangeCodec.timestampOf(it.value());
      }
      it.seekToFirst();
      firstSeq = it.isValid() ? Keys.seqOf(it.key()) : lastSeq + 1;
    }
    this.committer = new Committer(engine, options, counters, lastSeq, firstSeq, lastTimestamp);
    this.changeLog = new RocksChangeLog(engine, committer);
    this.system = new RocksSystemStore(engine);
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
        r -> Thread.ofPlatform().name("syntrix-retention").daemon().unstarted(r));
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.retention = executor;
    long period = options.purgeInterval().toMillis();
    retention.scheduleWithFixedDelay(this::purgeInBackground, period, period, TimeUnit.MILLISECONDS);
    log.info("opened store at {} (seqs {}..{})", options.directory(), firstSeq, lastSeq);
  }

  /** Opens (or creates) the store in {@code options.directory()}. */
  public static RocksDocumentStore open(RocksStoreOptions options) {
    return open(options, Clock.systemUTC());
  }

  /** Opens the store with a clock for retention decisions (tests move time forward). */
  public static RocksDocumentStore open(RocksStoreOptions options, Clock clock) {
    try {
      return new RocksDocumentStore(options, clock);
    } catch (RocksDBException e) {
      throw StoreException.unavailable("cannot open the store at " + options.directory() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Document> get(String database, DocumentPath path, boolean includeDeleted) {
    return live.get(database, path, includeDeleted);
  }

  /** Never blocks: a full write queue fails the write at once with {@link StoreException.Busy}. */
  @Override
  public CompletableFuture<ChangeEvent> writeAsync(Write write, DatabaseQuota quota) {
    return committer.submit(write, quota);
  }

  /** Waits for room in the write queue, then for the commit (callers that may block: workers, identity). */
  @Override
  public ChangeEvent write(Write write, DatabaseQuota quota) {
    try {
      return committer.submitWaiting(write, quota).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  @Override
  public DatabaseUsage usage(String database) {
    return counters.of(database).usage();
  }

  @Override
  public Cursor<Document> scanCollection(String database, CollectionPath collection, String startAfterId,
                                         boolean includeDeleted, boolean descending) {
    return live.scanCollection(database, collection, startAfterId, includeDeleted, descending);
  }

  @Override
  public Cursor<IndexEntry> scanIndex(String database, CollectionPath collection, String field, IndexRange range,
                                      boolean descending, IndexEntry startAfter) {
    return live.scanIndex(database, collection, field, range, descending, startAfter);
  }

  @Override
  public ChangeLog changeLog() {
    return changeLog;
  }

  @Override
  public io.syntrix.store.ReadSnapshot snapshot() {
    return committer.snapshot();
  }

  @Override
  public io.syntrix.store.SystemStore system() {
    return system;
  }

  @Override
  public long dropDatabase(String database) {
    ResourcePaths.requireDatabase(database);
    return committer.dropDatabase(database).join();
  }

  /**
   * Purges tombstones and change-log entries older than the retention period as of now, by the
   * store's clock; returns what the (first) run removed.
   */
  public PurgeResult purgeExpired() {
    long cutoff = clock.millis() - options.retention().toMillis();
    return committer.purge(cutoff).join();
  }

  private void purgeInBackground() {
    try {
      PurgeResult r;
      do {
        r = purgeExpired();
        if (r.tombstonesPurged() + r.changesPurged() > 0) {
          log.info("retention purged {} tombstones and {} change-log entries", r.tombstonesPurged(), r.changesPurged());
        }
      } while (r.more());
    } catch (RuntimeException e) {
      log.warn("retention run failed; will try again", e);
    }
  }

  @Override
  public boolean isHealthy() {
    return committer.isRunning();
  }

  /** Consistency check of indexes against documents and of the change log; for tests and operators. */
  public IntegrityReport checkIntegrity() {
    return IntegrityReport.check(engine, changeLog, counters);
  }

  @Override
  public void close() {
    retention.shutdownNow();
    committer.close();
    live.release();
    system.close();
    engine.close();
    log.info("closed store at {}", options.directory());
  }
}
