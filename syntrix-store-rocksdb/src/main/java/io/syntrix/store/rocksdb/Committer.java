package io.syntrix.store.rocksdb;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.Document;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.StoreException;
import io.syntrix.store.Write;
import io.syntrix.store.spi.ChangeCodec;
import io.syntrix.store.spi.DocumentCodec;
import io.syntrix.store.spi.WriteApplier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the store: it assigns commit sequence numbers and is the only thread that
 * changes documents, indexes, tombstones and the change log.
 *
 * <p><b>Model.</b> Callers enqueue tasks (writes, retention purges) on a bounded queue. The
 * committer thread takes every task waiting (up to {@link #MAX_GROUP}) as one group: for each
 * write it reads the stored document (or the version an earlier write of the same group
 * produced), applies the write semantics, and appends the document, its index deltas, its
 * tombstone marker and one change-log entry to a single {@code WriteBatch}. The batch is
 * written atomically; only then are {@code lastSeq} published, the futures completed, waiters
 * signalled and listeners called, in that order.
 *
 * <p><b>Invariants.</b> A write that fails validation consumes no seq, so seqs are gap-free. If
 * RocksDB refuses the batch, every write in it fails and no seq is consumed. Commit timestamps
 * never go back: each group uses {@code max(wall clock, previous group's time)}, restored from the
 * last change-log entry at start, so {@code updatedAt} and change-log timestamps are
 * non-decreasing in seq order (retention relies on that).
 *
 * <p><b>Durability.</b> Each group is written to the WAL before acknowledging. With
 * {@link Durability#FSYNC_EACH_COMMIT} the group write is also fsynced; with
 * {@link Durability#FSYNC_PERIODIC} the committer fsyncs the WAL once the oldest unsynced write
 * is {@code syncInterval} old, or when idle past that time.
 *
 * <p><b>Threads.</b> One named platform thread, {@code syntrix-committer}. Futures complete on
 * it, so their dependent stages must not block. A full queue blocks the enqueuing caller
 * (back-pressure). Closing finishes every task queued before the close, fsyncs, then stops.
 */
final class Committer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Committer.class);
  static final int MAX_GROUP = 512;
  static final byte[] EMPTY = new byte[0];

  /** Work for the committer thread. */
  sealed interface Task permits WriteTask, PurgeTask, DropTask, Stop {}

  record WriteTask(Write write, DatabaseQuota quota, CompletableFuture<ChangeEvent> result) implements Task {}

  record PurgeTask(long cutoffMillis, CompletableFuture<PurgeResult> result) implements Task {}

  record DropTask(String database, CompletableFuture<Long> result) implements Task {}

  enum Stop implements Task { INSTANCE }

  private final Engine engine;
  private final Durability durability;
  private final long syncIntervalNanos;
  private final BlockingQueue<Task> queue;
  private final Thread thread;
  private final WriteOptions writeOptions;
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  /**
   * Held for writing from a group's RocksDB write until its seq is published, and for reading
   * while a snapshot is taken: a snapshot therefore holds exactly the commits up to the seq it
   * reports, never half a group.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock publication = new java.util.concurrent.locks.ReentrantReadWriteLock();
  private final Condition committed = lock.newCondition();
  private volatile int waiters;
  private volatile boolean closed;

  private volatile long lastSeq;
  private volatile long firstSeq;
  private long lastTimestamp;
  /** nanoTime of the oldest write not yet fsynced, or -1. Committer thread only. */
  private long unsyncedSince = -1;

  private final UsageCounters counters;

  Committer(Engine engine, RocksStoreOptions options, UsageCounters counters, long lastSeq, long firstSeq,
            long lastTimestamp) {
    this.engine = engine;
    this.counters = counters;
    this.durability = options.durability();
    this.syncIntervalNanos = options.syncInterval().toNanos();
    this.lastSeq = lastSeq;
    this.firstSeq = firstSeq;
    this.lastTimestamp = lastTimestamp;
    this.writeOptions = new WriteOptions().setSync(durability == Durability.FSYNC_EACH_COMMIT);
    this.queue = new ArrayBlockingQueue<>(options.writeQueueCapacity());
    this.thread = Thread.ofPlatform().name("syntrix-committer").unstarted(this::run);
    thread.start();
  }

  long lastSeq() {
    return lastSeq;
  }

  /** False once closed or if the thread died (an {@link Error} escaped a commit): nothing would commit. */
  boolean isRunning() {
    return !closed && thread.isAlive();
  }

  long firstSeq() {
    return firstSeq;
  }

  /** Takes a RocksDB snapshot together with the seq it holds (see {@link #publication}). */
  RocksReadSnapshot snapshot() {
    publication.readLock().lock();
    try {
      return new RocksReadSnapshot(engine, engine.db.getSnapshot(), lastSeq, counters.overflowEntries());
    } finally {
      publication.readLock().unlock();
    }
  }

  /**
   * Queues a write without ever waiting: when the queue is full the result fails at once with
   * {@link StoreException.Busy} (callers on event loops must not block; the client retries).
   */
  CompletableFuture<ChangeEvent> submit(Write write, DatabaseQuota quota) {
    CompletableFuture<ChangeEvent> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(StoreException.unavailable("the store is closed", null));
    } else if (!queue.offer(new WriteTask(write, quota, result))) {
      result.completeExceptionally(StoreException.busy(queue.size()));
    }
    return result;
  }

  /** Queues a write, waiting for room when the queue is full (for threads that may block). */
  CompletableFuture<ChangeEvent> submitWaiting(Write write, DatabaseQuota quota) {
    CompletableFuture<ChangeEvent> result = new CompletableFuture<>();
    enqueue(new WriteTask(write, quota, result), result);
    return result;
  }

  CompletableFuture<PurgeResult> purge(long cutoffMillis) {
    CompletableFuture<PurgeResult> result = new CompletableFuture<>();
    enqueue(new PurgeTask(cutoffMillis, result), result);
    return result;
  }

  CompletableFuture<Long> dropDatabase(String database) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    enqueue(new DropTask(database, result), result);
    return result;
  }

  private void enqueue(Task task, CompletableFuture<?> result) {
    if (closed) {
      result.completeExceptionally(StoreException.unavailable("the store is closed", null));
      return;
    }
    try {
      queue.put(task);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(StoreException.unavailable("interrupted while queueing a write", e));
    }
  }

  AutoCloseable onCommit(LongConsumer listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  long awaitAfter(long afterSeq, long timeout, TimeUnit unit) throws InterruptedException {
    if (lastSeq > afterSeq) {
      return lastSeq;
    }
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      waiters++;
      while (lastSeq <= afterSeq && nanos > 0 && !closed) {
        nanos = committed.awaitNanos(nanos);
      }
    } finally {
      waiters--;
      lock.unlock();
    }
    return lastSeq;
  }

  private void run() {
    List<Task> group = new ArrayList<>(MAX_GROUP);
    boolean stopping = false;
    while (!stopping) {
      Task first;
      try {
        first = unsyncedSince < 0 ? queue.take() : queue.poll(syncDelayNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        continue; // only close() stops the committer, by queueing Stop
      }
      if (first != null) {
        group.add(first);
        queue.drainTo(group, MAX_GROUP - 1);
        int stop = group.indexOf(Stop.INSTANCE);
        if (stop >= 0) {
          stopping = true;
          group.subList(stop, group.size()).clear();
        }
        commitSplittingAtDrops(group);
        group.clear();
      }
      if (unsyncedSince >= 0 && (stopping || System.nanoTime() - unsyncedSince >= syncIntervalNanos)) {
        syncWal();
      }
    }
    failRemaining();
  }

  private long syncDelayNanos() {
    return Math.max(0, syncIntervalNanos - (System.nanoTime() - unsyncedSince));
  }

  private void syncWal() {
    try {
      engine.db.syncWal();
      unsyncedSince = -1;
    } catch (RocksDBException e) {
      log.error("fsync of the write-ahead log failed; will retry", e);
    }
  }

  /**
   * A drop removes whole key ranges, which the per-group overlay of documents cannot see through:
   * it commits on its own, between the writes queued before and after it.
   */
  private void commitSplittingAtDrops(List<Task> group) {
    int from = 0;
    for (int i = 0; i < group.size(); i++) {
      if (group.get(i) instanceof DropTask drop) {
        if (i > from) {
          commit(group.subList(from, i));
        }
        runDrop(drop);
        from = i + 1;
      }
    }
    if (from < group.size()) {
      commit(group.subList(from, group.size()));
    }
  }

  private void runDrop(DropTask drop) {
    try {
      long documents = Retention.dropDatabase(engine, counters, drop.database(), writeOptions);
      counters.dropped(drop.database());
      drop.result().complete(documents);
    } catch (RocksDBException | RuntimeException e) {
      log.error("dropping database {} failed", drop.database(), e);
      drop.result().completeExceptionally(StoreException.unavailable("cannot drop database " + drop.database(), e));
    }
  }

  /** Commits one group; see the class comment for the order of effects. */
  private void commit(List<Task> group) {
    long now = Math.max(System.currentTimeMillis(), lastTimestamp);
    long previousSeq = lastSeq;
    Batch batch = new Batch(lastSeq, now);
    List<Runnable> completions = new ArrayList<>(group.size());
    try (WriteBatch wb = new WriteBatch()) {
      for (Task task : group) {
        switch (task) {
          case WriteTask w -> completions.add(batch.write(wb, w));
          case PurgeTask p -> {
            batch.indexDeltas.flushTo(wb); // keeps the purge's index deletes after earlier writes' deltas
            PurgeResult r = Retention.purge(engine, wb, batch.overlay, p.cutoffMillis(), firstSeq);
            batch.newFirstSeq = r.firstSeqAfter();
            completions.add(() -> p.result().complete(r));
          }
          case DropTask d -> throw new IllegalStateException("drops commit on their own");
          case Stop s -> throw new IllegalStateException("Stop is removed before commit");
        }
      }
      batch.indexDeltas.flushTo(wb);
      batch.usage.writeTo(wb);
      publication.writeLock().lock();
      try {
        if (wb.count() > 0) {
          engine.db.write(writeOptions, wb);
        }
        lastSeq = batch.seq;
        batch.usage.committed();
      } finally {
        publication.writeLock().unlock();
      }
    } catch (RocksDBException | RuntimeException e) {
      batch.usage.failed();
      log.error("commit of {} tasks failed; none of them was written", group.size(), e);
      StoreException failure = StoreException.unavailable("the store could not commit the write: " + e.getMessage(), e);
      for (Task task : group) {
        failTask(task, failure);
      }
      return;
    }
    lastTimestamp = now;
    if (batch.seq != previousSeq && durability == Durability.FSYNC_PERIODIC && unsyncedSince < 0) {
      unsyncedSince = System.nanoTime();
    }
    firstSeq = batch.newFirstSeq >= 0 ? batch.newFirstSeq : firstSeq;
    boolean advanced = batch.seq != previousSeq;
    completions.forEach(Runnable::run);
    if (advanced) {
      publish(batch.seq);
    }
  }

  private void publish(long seq) {
    if (waiters > 0) {
      lock.lock();
      try {
        committed.signalAll();
      } finally {
        lock.unlock();
      }
    }
    for (LongConsumer l : listeners) {
      try {
        l.accept(seq);
      } catch (RuntimeException e) {
        log.warn("change-log listener failed at seq {}", seq, e);
      }
    }
  }

  private static void failTask(Task task, RuntimeException failure) {
    switch (task) {
      case WriteTask w -> w.result().completeExceptionally(failure);
      case PurgeTask p -> p.result().completeExceptionally(failure);
      case DropTask d -> d.result().completeExceptionally(failure);
      case Stop s -> { }
    }
  }

  private void failRemaining() {
    StoreException closedError = StoreException.unavailable("the store is closed", null);
    Task t;
    while ((t = queue.poll()) != null) {
      failTask(t, closedError);
    }
  }

  /** The state of one group being built: next seq, commit time, documents it already changed. */
  private final class Batch {
    long seq;
    final long now;
    long newFirstSeq = -1;
    /** Document key to the document this group left there (null: removed). */
    final Map<ByteBuffer, Document> overlay = new HashMap<>();
    /** Document key to the stored size of what this group wrote there. */
    private final Map<ByteBuffer, Long> overlaySizes = new HashMap<>();
    final SortedIndexDeltas indexDeltas = new SortedIndexDeltas();
    final UsageCounters.Group usage = counters.group();

    Batch(long seq, long now) {
      this.seq = seq;
      this.now = now;
    }

    /** Adds one write to {@code wb}; returns how to complete its future once the batch is durable. */
    Runnable write(WriteBatch wb, WriteTask task) throws RocksDBException {
      Write w = task.write();
      byte[] key = Keys.document(w.database(), w.path());
      ByteBuffer slot = ByteBuffer.wrap(key);
      Document current;
      long currentSize;
      if (overlay.containsKey(slot)) {
        current = overlay.get(slot);
        currentSize = overlaySizes.getOrDefault(slot, 0L);
      } else {
        byte[] stored = engine.db.get(engine.documents, key);
        current = stored == null ? null : DocumentCodec.decode(w.path(), stored);
        currentSize = stored == null ? 0 : UsageCounters.storedSize(key, stored);
      }
      WriteApplier.Applied applied;
      try {
        applied = WriteApplier.apply(w, current, now);
      } catch (SyntrixException e) {
        return () -> task.result().completeExceptionally(e);
      }
      ChangeEvent event = new ChangeEvent(seq + 1, w.database(), w.path(), applied.op(), applied.before(),
          applied.after(), now);
      byte[] changeBytes = ChangeCodec.encode(event);
      byte[] documentBytes = DocumentCodec.encode(applied.after());
      long afterSize = UsageCounters.storedSize(key, documentBytes);
      long addedDocuments = live(applied.after()) - live(current);
      long addedBytes = live(applied.after()) * afterSize - live(current) * currentSize;
      try {
        // Against the counts with this group's earlier writes in: concurrent writers cannot overshoot together.
        task.quota().check(w.database(), usage.of(w.database()).usage(), addedDocuments, addedBytes);
      } catch (SyntrixException e) {
        return () -> task.result().completeExceptionally(e);
      }
      // Everything is computed; from here on only RocksDB itself can fail, and that fails the group.
      wb.put(engine.documents, key, documentBytes);
      byte[] prefix = Keys.collectionPrefix(w.database(), w.path().collection());
      int overflow = IndexMaintainer.update(prefix, current, applied.after(), indexDeltas);
      if (current != null && current.deleted()) {
        wb.delete(engine.tombstones, Keys.tombstone(current.updatedAt(), key));
      }
      if (applied.after().deleted()) {
        wb.put(engine.tombstones, Keys.tombstone(applied.after().updatedAt(), key), EMPTY);
      }
      wb.put(engine.changes, Keys.seq(event.seq()), changeBytes);
      seq = event.seq();
      overlay.put(slot, applied.after());
      overlaySizes.put(slot, afterSize);
      usage.add(w.database(), addedDocuments, addedBytes, overflow);
      return () -> task.result().complete(event);
    }

  }

  /** 1 for a live document, 0 for a tombstone or none. */
  private static long live(Document d) {
    return d != null && !d.deleted() ? 1 : 0;
  }

  /**
   * Index deltas of a group, added to the batch in key order. The memtable is a skip list that
   * remembers where its last insert went; a group's index keys arrive scattered over the index
   * (one per field per document), so inserting them unsorted makes nearly every insert search
   * from the top; with large groups that search was about a third of the committer's CPU
   * (syntrix-bench {@code DocumentWriteBenchmark}). The sort is stable, so two
   * deltas of one key (two writes to one document in a group) keep their order; deltas of
   * different keys commute, and the batch is applied atomically either way.
   */
  private final class SortedIndexDeltas implements IndexMaintainer.Sink {
    private record Delta(byte[] key, boolean put) {}

    private final List<Delta> deltas = new ArrayList<>();

    @Override
    public void put(byte[] key) {
      deltas.add(new Delta(key, true));
    }

    @Override
    public void delete(byte[] key) {
      deltas.add(new Delta(key, false));
    }

    /** Adds the deltas so far to {@code wb} in key order and forgets them. */
    void flushTo(WriteBatch wb) throws RocksDBException {
      deltas.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key())); // List.sort is stable
      for (Delta d : deltas) {
        if (d.put()) {
          wb.put(engine.index, d.key(), EMPTY);
        } else {
          wb.delete(engine.index, d.key());
        }
      }
      deltas.clear();
    }
  }

  /** Index deltas into a write batch; a RocksDB failure here fails the whole group. */
  static final class BatchSink implements IndexMaintainer.Sink {
    private final WriteBatch wb;
    private final org.rocksdb.ColumnFamilyHandle index;

    BatchSink(WriteBatch wb, org.rocksdb.ColumnFamilyHandle index) {
      this.wb = wb;
      this.index = index;
    }

    @Override
    public void put(byte[] key) {
      try {
        wb.put(index, key, EMPTY);
      } catch (RocksDBException e) {
        throw new IllegalStateException("cannot add an index entry to the batch", e);
      }
    }

    @Override
    public void delete(byte[] key) {
      try {
        wb.delete(index, key);
      } catch (RocksDBException e) {
        throw new IllegalStateException("cannot add an index removal to the batch", e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      queue.put(Stop.INSTANCE);
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      committed.signalAll();
    } finally {
      lock.unlock();
    }
    writeOptions.close();
  }
}
