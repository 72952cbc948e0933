package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.ChangeLogTruncatedException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the change log from a position and hands each change, once, in seq order, to a
 * {@link Consumer}; records its position in a {@link Checkpoint}.
 *
 * <p><b>Model.</b> {@code position} is the seq of the last change the consumer returned from. The
 * loop reads up to {@code readBatch} entries after it; when there are none it blocks in
 * {@link ChangeLog#awaitAfter} (the store signals commits; no polling) for at most
 * {@code idleWait}. The position is recorded every {@code checkpointInterval} while it moves, when
 * the log goes idle, and on close.
 *
 * <p><b>Failures.</b> If retention purged entries the puller still needed (it fell more than the
 * retention period behind), the consumer hears {@code truncated} and the puller skips to the
 * oldest retained entry. A failed read is logged and retried after {@code retryPause}, for as long
 * as it fails (there is no change to blame yet). A change the consumer fails on is retried after
 * the same pause, up to {@link #ATTEMPTS} attempts in all; then the consumer hears {@code failed}
 * and the puller moves past it. One change that can never be processed therefore costs realtime a
 * few seconds once, instead of halting every stream for good; the consumer tells the subscribers
 * it may have concerned.
 *
 * <p><b>Restarts.</b> Starting from the recorded position, every change after it is handed over
 * again. Changes between the last recorded position and a crash are therefore handed over twice
 * across the crash, once to the matcher of each process; no subscription sees both, because
 * subscriptions live in the process (gateways resubscribe with {@code resumeAfter}).
 *
 * <p><b>Threads.</b> One named platform thread, {@code syntrix-streamer-puller}; the consumer runs
 * on it. {@link #close} stops it and records the final position.
 */
final class Puller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Puller.class);
  /** Attempts at one change before it is given up (the first and two retries). */
  static final int ATTEMPTS = 3;

  /** Receives the changes, on the puller thread. */
  interface Consumer {
    void accept(ChangeEvent change);

    /** Changes after {@code position} up to {@code firstRetained - 1} are gone; the puller continues after them. */
    void truncated(long position, long firstRetained);

    /**
     * {@code accept} failed {@link #ATTEMPTS} times on {@code change} (the last failure is
     * {@code error}); the puller moves past it when this returns.
     */
    void failed(ChangeEvent change, RuntimeException error);
  }

  private final ChangeLog changeLog;
  private final Checkpoint checkpoint;
  private final StreamerOptions options;
  private final Consumer consumer;
  private final Thread thread;
  private volatile long position;
  private volatile boolean stopping;
  private long recorded;
  private long recordedAtNanos;

  Puller(ChangeLog changeLog, StreamerOptions options, long startAfter, Consumer consumer) {
    this.changeLog = changeLog;
    this.checkpoint = options.checkpoint();
    this.options = options;
    this.consumer = consumer;
    this.position = startAfter;
    this.recorded = startAfter;
    this.thread = Thread.ofPlatform().name("syntrix-streamer-puller").daemon().unstarted(this::run);
  }

  /**
   * Where a puller over {@code changeLog} starts: after the recorded position, or at the head of
   * the log when nothing was recorded (or the record is ahead of the log, e.g. a new store).
   */
  static long startPosition(ChangeLog changeLog, Checkpoint checkpoint) {
    long head = changeLog.lastSeq();
    var recorded = checkpoint.load();
    if (recorded.isEmpty()) {
      return head;
    }
    if (recorded.getAsLong() > head) {
      log.warn("streamer checkpoint {} is ahead of the change log (last seq {}); starting at the head",
          recorded.getAsLong(), head);
      return head;
    }
    return recorded.getAsLong();
  }

  void start() {
    thread.start();
  }

  long position() {
    return position;
  }

  /** False before start, once stopping, or if the thread died (an {@link Error} escaped the loop). */
  boolean isRunning() {
    return !stopping && thread.isAlive();
  }

  private void run() {
    log.info("puller started after seq {}", position);
    recordedAtNanos = System.nanoTime();
    while (!stopping) {
      try {
        pullOnce();
      } catch (InterruptedException e) {
        if (!stopping) {
          log.warn("puller interrupted while running; continuing");
        }
      } catch (ChangeLogTruncatedException e) {
        log.error("the streamer fell behind change-log retention: changes {}..{} are gone", position + 1,
            e.firstRetainedSeq() - 1);
        consumer.truncated(position, e.firstRetainedSeq());
        position = e.firstRetainedSeq() - 1;
      } catch (RuntimeException e) {
        log.error("puller failed after seq {}; retrying in {} ms", position, options.retryPause().toMillis(), e);
        pause();
      }
    }
    Thread.interrupted(); // the stop signal must not abort the final write (interruptible file channels)
    record(true);
    log.info("puller stopped after seq {}", position);
  }

  private void pullOnce() throws InterruptedException {
    List<ChangeEvent> batch = changeLog.read(position, options.readBatch());
    if (batch.isEmpty()) {
      record(true);
      changeLog.awaitAfter(position, options.idleWait().toNanos(), TimeUnit.NANOSECONDS);
      return;
    }
    for (ChangeEvent change : batch) {
      if (change.seq() != position + 1) {
        throw new IllegalStateException("change log skipped from seq " + position + " to " + change.seq());
      }
      if (!hand(change)) {
        return;
      }
      position = change.seq();
      if (stopping) {
        return;
      }
    }
    record(false);
  }

  /** Hands one change over, retrying and at last giving it up (see the class comment); false if stopping first. */
  private boolean hand(ChangeEvent change) {
    for (int attempt = 1; ; attempt++) {
      try {
        consumer.accept(change);
        return true;
      } catch (RuntimeException e) {
        if (attempt == ATTEMPTS) {
          log.error("change {} ({} {}) failed {} times; skipping it", change.seq(), change.database(),
              change.path().value(), ATTEMPTS, e);
          consumer.failed(change, e);
          return true;
        }
        log.warn("change {} ({} {}) failed (attempt {} of {}); retrying in {} ms", change.seq(), change.database(),
            change.path().value(), attempt, ATTEMPTS, options.retryPause().toMillis(), e);
        pause();
        if (stopping) {
          return false;
        }
      }
    }
  }

  /** Records the position if it moved and the interval passed (or {@code now}); failures are retried later. */
  private void record(boolean now) {
    long p = position;
    if (p == recorded || (!now && System.nanoTime() - recordedAtNanos < options.checkpointInterval().toNanos())) {
      return;
    }
    try {
      checkpoint.store(p);
      recorded = p;
      recordedAtNanos = System.nanoTime();
    } catch (RuntimeException e) {
      log.warn("cannot record the streamer position {} in {}; will retry", p, checkpoint, e);
    }
  }

  private void pause() {
    try {
      Thread.sleep(options.retryPause());
    } catch (InterruptedException e) {
      // stopping, or spurious: the loop decides
    }
  }

  /** Stops the thread after the change it is handing over, and records the final position. */
  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
