package io.syntrix.store.postgres;

import io.syntrix.store.postgres.log.ChangeLogPurge;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention on PostgreSQL, with the RocksDB engine's semantics: change-log entries committed, and
 * tombstones deleted, before {@code clock.now - retention} are purged; {@code first_seq} records
 * where the log now starts, so {@code ChangeLog.firstSeq()} and {@code ChangeLogTruncatedException}
 * work from any process.
 *
 * <p><b>Steps.</b> A run is a series of transactions, each purging at most {@link #CHANGE_STEP}
 * entries ({@link ChangeLogPurge}) or {@link #TOMBSTONE_STEP} tombstones with their few index
 * entries ({@link TombstonePurge}), so a backlog of any size never becomes one huge transaction or
 * holds a lock for long. A step that purges less than its bound ends that half of the run.
 *
 * <p><b>One purger at a time.</b> Every step begins with
 * {@code pg_try_advisory_xact_lock(}{@link #LOCK_KEY}{@code )}. Every process runs retention on
 * its schedule; whichever takes the lock purges, and one that finds it taken stops its run
 * ({@link PurgeResult#deferred()}) rather than queue behind the other. Being transaction-scoped,
 * the lock needs no session of its own, and a purger that dies releases it with its transaction.
 * The sequencer never takes it; how a step shares the sequencer's row is in {@link ChangeLogPurge}.
 *
 * <p><b>Threads.</b> The schedule runs on {@code syntrix-retention}, first one interval after
 * start; {@link #purgeExpired} runs on the caller's thread (tests, operators). Each step borrows a
 * pooled connection for its transaction only.
 */
final class Retention implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);
  /** Change-log entries one transaction deletes at most. */
  static final int CHANGE_STEP = 10_000;
  /** Tombstones one transaction deletes at most; with their three index entries each, 8,000 rows. */
  static final int TOMBSTONE_STEP = 2_000;
  /** The advisory lock a purging transaction holds (beside the migrator's ...01 and the sequencer's ...02). */
  static final long LOCK_KEY = 0x5359_4E54_0000_0003L;

  /** One step's SQL, run in a transaction that holds the purge lock. */
  private interface Step<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource pool;
  private final Clock clock;
  private final Duration retention;
  private final Duration interval;
  private final ScheduledThreadPoolExecutor schedule;
  /** Told the log's new first seq after each change-log step (the change log forgets what it holds below it). */
  private final java.util.function.LongConsumer purged;

  Retention(DataSource pool, Clock clock, Duration retention, Duration interval, java.util.function.LongConsumer purged) {
    this.pool = pool;
    this.purged = purged;
    this.clock = clock;
    this.retention = retention;
    this.interval = interval;
    this.schedule = new ScheduledThreadPoolExecutor(1,
        r -> Thread.ofPlatform().name("syntrix-retention").daemon().unstarted(r));
    schedule.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  void start() {
    long period = interval.toMillis();
    schedule.scheduleWithFixedDelay(this::purgeInBackground, period, period, TimeUnit.MILLISECONDS);
  }

  /** Unix ms before which entries and tombstones are expired, as of the store's clock now. */
  long cutoff() {
    return clock.millis() - retention.toMillis();
  }

  PurgeResult purgeExpired() {
    return purgeExpired(CHANGE_STEP, TOMBSTONE_STEP);
  }

  /** Purges everything expired as of now, in steps of the given sizes, unless another process is purging. */
  PurgeResult purgeExpired(int changeStep, int tombstoneStep) {
    long cutoff = cutoff();
    long changes = 0;
    long tombstones = 0;
    int transactions = 0;
    while (true) {
      Optional<ChangeLogPurge.Purged> step = purgeChanges(cutoff, changeStep);
      if (step.isEmpty()) {
        return new PurgeResult(tombstones, changes, transactions, true);
      }
      transactions++;
      changes += step.get().entries();
      if (step.get().entries() < changeStep) {
        break;
      }
    }
    while (true) {
      Optional<Integer> step = purgeTombstones(cutoff, tombstoneStep);
      if (step.isEmpty()) {
        return new PurgeResult(tombstones, changes, transactions, true);
      }
      transactions++;
      tombstones += step.get();
      if (step.get() < tombstoneStep) {
        return new PurgeResult(tombstones, changes, transactions, false);
      }
    }
  }

  /** One change-log step in its own transaction; empty when another process holds the purge lock. */
  Optional<ChangeLogPurge.Purged> purgeChanges(long cutoff, int max) {
    Optional<ChangeLogPurge.Purged> step = inStep("purging change-log entries committed before " + cutoff,
        c -> ChangeLogPurge.step(c, cutoff, max));
    step.ifPresent(p -> purged.accept(p.firstSeq()));
    return step;
  }

  /** One tombstone step in its own transaction; empty when another process holds the purge lock. */
  Optional<Integer> purgeTombstones(long cutoff, int max) {
    return inStep("purging tombstones deleted before " + cutoff, c -> TombstonePurge.step(c, cutoff, max));
  }

  private <T> Optional<T> inStep(String doing, Step<T> step) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (!tryLock(c)) {
          c.rollback();
          return Optional.empty();
        }
        T done = step.run(c);
        c.commit();
        return Optional.of(done);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PgErrors.translate(doing, e);
    }
  }

  private static boolean tryLock(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
      s.setLong(1, LOCK_KEY);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    }
  }

  private void purgeInBackground() {
    try {
      PurgeResult r = purgeExpired();
      if (r.tombstonesPurged() + r.changesPurged() > 0) {
        log.info("retention purged {} tombstones and {} change-log entries in {} transactions{}", r.tombstonesPurged(),
            r.changesPurged(), r.transactions(), r.deferred() ? " (another process purges the rest)" : "");
      }
    } catch (RuntimeException e) {
      log.warn("retention run failed; will try again in {}", interval, e);
    }
  }

  /** Stops the schedule and waits briefly for a running step, so it does not outlive the pool. */
  @Override
  public void close() {
    schedule.shutdownNow();
    try {
      schedule.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
