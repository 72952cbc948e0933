package io.syntrix.store.postgres;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.StoreException;
import io.syntrix.store.Write;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer threads: a fixed number of named platform threads ({@code syntrix-pg-writer-N}) behind
 * one bounded queue. Each write borrows a pooled connection, runs its {@link WriteTransaction}, and
 * gives the connection back before its seq is known: the future completes when {@link Sequencing}
 * answers, on whichever thread it answers, so a writer never waits for the sequencer.
 *
 * <p>{@link #submit} never blocks: a full queue fails the write at once with
 * {@link StoreException.Busy}. Serialization failures and deadlocks (never expected: writers lock
 * in one order) are retried a few times; other SQL failures fail the write, and since the
 * transaction rolled back, nothing of it was written.
 *
 * <p><b>Clock.</b> Commit timestamps come from this process's clock, never going back
 * ({@code max(now, last)}); the write semantics also keep each document's {@code updatedAt} from
 * going back when processes' clocks disagree.
 */
final class Writers implements AutoCloseable {
  /** How long a committed write waits for its seq before its caller is told 503. */
  static final java.time.Duration SEQ_WAIT = java.time.Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(Writers.class);
  private static final int MAX_CONFLICT_RETRIES = 3;
  /** Usage shards writers without a quota spread over (1..64; shard 0 is the quota's). */
  static final int USAGE_SHARDS = 64;
  private final ThreadLocal<Integer> usageShard = ThreadLocal.withInitial(() -> 1);

  private final DataSource pool;
  private final Sequencing sequencing;
  private final ThreadPoolExecutor executor;
  private final AtomicLong clock = new AtomicLong();

  Writers(DataSource pool, Sequencing sequencing, int threads, int queueCapacity) {
    this.pool = pool;
    this.sequencing = sequencing;
    AtomicInteger n = new AtomicInteger();
    // Each writer thread adds usage deltas to a shard of its own; the random offset spreads the
    // threads of different processes over different shards too.
    int offset = java.util.concurrent.ThreadLocalRandom.current().nextInt(USAGE_SHARDS);
    this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity), r -> {
          int index = n.incrementAndGet();
          int shard = 1 + (offset + index) % USAGE_SHARDS;
          return Thread.ofPlatform().name("syntrix-pg-writer-" + index).unstarted(() -> {
            usageShard.set(shard);
            r.run();
          });
        }, new ThreadPoolExecutor.AbortPolicy());
  }

  CompletableFuture<ChangeEvent> submit(Write write, DatabaseQuota quota) {
    CompletableFuture<ChangeEvent> result = new CompletableFuture<>();
    try {
      executor.execute(() -> run(write, quota, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(executor.isShutdown() ? StoreException.unavailable("the store is closed", null)
          : StoreException.busy(executor.getQueue().size()));
    }
    return result;
  }

  private void run(Write write, DatabaseQuota quota, CompletableFuture<ChangeEvent> result) {
    WriteTransaction.Committed committed;
    try {
      committed = commit(write, quota);
    } catch (SyntrixException e) {
      result.completeExceptionally(e);
      return;
    } catch (RuntimeException e) {
      log.error("write of '{}' in database '{}' failed", write.path(), write.database(), e);
      result.completeExceptionally(e);
      return;
    }
    ChangeEvent c = committed.change();
    CompletableFuture<Long> sequenced = sequencing.seqOf(committed.xid());
    sequenced.copy().orTimeout(SEQ_WAIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((seq, failure) -> {
      if (failure != null) {
        // The write is durable; only its place in the change log is not known yet (the sequencer is
        // down or far behind). The caller hears 503: retrying is safe with ifMatch or a known id.
        result.completeExceptionally(StoreException.unavailable("write of '" + write.path() + "' committed (transaction "
            + committed.xid() + ") but was not sequenced within " + SEQ_WAIT.toSeconds() + " s; it will appear in the"
            + " change log once the sequencer runs (" + failure + ")", failure));
      } else {
        result.complete(new ChangeEvent(seq, c.database(), c.path(), c.op(), c.before(), c.after(), c.timestamp()));
      }
    });
  }

  private WriteTransaction.Committed commit(Write write, DatabaseQuota quota) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pool.getConnection()) {
        long now = clock.accumulateAndGet(System.currentTimeMillis(), Math::max);
        return WriteTransaction.run(c, write, quota, now, usageShard.get());
      } catch (SQLException e) {
        if (attempt <= MAX_CONFLICT_RETRIES && PgErrors.isConflict(e.getSQLState())) {
          log.debug("write of '{}' met a conflict (SQLState {}); running it again", write.path(), e.getSQLState());
          continue;
        }
        throw PgErrors.translate("writing '" + write.path() + "' in database '" + write.database() + "'", e);
      }
    }
  }

  boolean isRunning() {
    return !executor.isShutdown();
  }

  /** Finishes the writes already queued, then stops the threads. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
        log.warn("writes still running 60 s after close; abandoning them");
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
