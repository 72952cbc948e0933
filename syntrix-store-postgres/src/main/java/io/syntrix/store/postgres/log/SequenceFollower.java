package io.syntrix.store.postgres.log;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the change log's growth from any process: the sequencer NOTIFYs {@code syntrix_seq}
 * when a batch commits; this reads the new entries' (seq, xid), advances {@link #lastSeq},
 * completes the writers waiting for their transaction's seq, wakes {@link #awaitAfter} and tells
 * the commit listeners. One thread ({@code syntrix-log-follower}) with one connection of its own;
 * a poll every second covers a notification lost while reconnecting.
 *
 * <p>In the process that sequences, the sequencer hands its committed batches over directly
 * ({@link #sequencedHere}), so local writers learn their seq without the NOTIFY and the read that
 * follows it; the follower's own read then finds nothing new. Both paths publish under
 * {@code publishing}, in seq order, each entry once.
 */
public final class SequenceFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SequenceFollower.class);
  /** Recently sequenced transactions remembered for writers that ask after their seq was given. */
  private static final int RECENT = 65_536;

  private final String url;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  /** Held while publishing, so the two paths' batches reach writers and listeners in seq order. */
  private final ReentrantLock publishing = new ReentrantLock();
  private final Condition advanced = lock.newCondition();
  private final Map<Long, CompletableFuture<Long>> waiting = new HashMap<>();
  private final Map<Long, Long> recent = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > RECENT;
    }
  };
  private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
  private volatile long lastSeq;
  private volatile boolean closed;
  /** The thread's connection while it has one: {@link #close} aborts it to end a wait for notifications at once. */
  private volatile Connection connection;

  public SequenceFollower(String jdbcUrl, long startSeq) {
    this.url = jdbcUrl;
    this.lastSeq = startSeq;
    this.thread = Thread.ofPlatform().name("syntrix-log-follower").daemon().unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  public long lastSeq() {
    return lastSeq;
  }

  /**
   * The seq the transaction {@code xid} ({@code pg_current_xact_id()}) was given; completes when
   * the sequencer has committed its entries. Ask after the transaction committed: a seq given
   * before the question is found among the recent ones.
   */
  public CompletableFuture<Long> seqOf(long xid) {
    long key = xid;
    lock.lock();
    try {
      Long seq = recent.get(key);
      if (seq != null) {
        return CompletableFuture.completedFuture(seq);
      }
      return waiting.computeIfAbsent(key, k -> new CompletableFuture<>());
    } finally {
      lock.unlock();
    }
  }

  public long awaitAfter(long afterSeq, long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (lastSeq <= afterSeq && nanos > 0 && !closed) {
        nanos = advanced.awaitNanos(nanos);
      }
      return lastSeq;
    } finally {
      lock.unlock();
    }
  }

  public AutoCloseable onCommit(LongConsumer listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void run() {
    long backoff = 100;
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url)) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN syntrix_seq");
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        backoff = 100;
        catchUp(c);
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(1_000);
          // No notification for a second: read anyway, in case one was missed. A notification of
          // entries this process published already (its own sequencer's) needs no read.
          if (notes == null || notes.length == 0 || announcesNew(notes)) {
            catchUp(c);
          }
        }
      } catch (SQLException e) {
        if (!closed) {
          log.warn("change-log follower lost PostgreSQL ({}: {}); retrying in {} ms", e.getSQLState(), e.getMessage(),
              backoff);
          sleep(backoff);
          backoff = Math.min(backoff * 2, 5_000);
        }
      }
    }
  }

  /** Whether a notification names a seq past {@link #lastSeq} (the sequencer's payload is its batch's last seq). */
  private boolean announcesNew(PGNotification[] notes) {
    for (PGNotification n : notes) {
      try {
        if (Long.parseLong(n.getParameter()) > lastSeq) {
          return true;
        }
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return false;
  }

  /** Reads the entries after {@link #lastSeq} and publishes them. */
  private void catchUp(Connection c) throws SQLException {
    while (true) {
      List<long[]> rows = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT seq, xid FROM syntrix_changes WHERE seq > ? ORDER BY seq LIMIT 10000")) {
        s.setLong(1, lastSeq);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            rows.add(new long[] {r.getLong(1), r.getLong(2)});
          }
        }
      }
      if (rows.isEmpty()) {
        return;
      }
      publish(rows);
      if (rows.size() < 10000) {
        return;
      }
    }
  }

  /**
   * Called by this process's sequencer, on its thread, with a batch it has just committed. A batch
   * that does not follow {@link #lastSeq} directly (the entries before it, sequenced by another
   * process before this one took over, are not read yet) is left to the follower's own read, which
   * publishes everything in order.
   */
  public void sequencedHere(List<Sequencer.Entry> entries) {
    if (entries.isEmpty() || entries.get(0).seq() != lastSeq + 1) {
      return;
    }
    List<long[]> rows = new ArrayList<>(entries.size());
    for (Sequencer.Entry e : entries) {
      rows.add(new long[] {e.seq(), e.xid()});
    }
    publish(rows);
  }

  /** Publishes (seq, xid) rows in seq order; rows at or below {@link #lastSeq} were published already. */
  private void publish(List<long[]> rows) {
    publishing.lock();
    try {
      publishNew(rows);
    } finally {
      publishing.unlock();
    }
  }

  private void publishNew(List<long[]> rows) {
    List<CompletableFuture<Long>> done = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    long newLast;
    lock.lock();
    try {
      if (rows.get(rows.size() - 1)[0] <= lastSeq) {
        return;
      }
      for (long[] row : rows) {
        if (row[0] <= lastSeq) {
          continue;
        }
        long xid = row[1];
        Long first = recent.putIfAbsent(xid, row[0]); // a transaction's first entry is its seq
        CompletableFuture<Long> w = first == null ? waiting.remove(xid) : null;
        if (w != null) {
          done.add(w);
          seqs.add(row[0]);
        }
      }
      newLast = rows.get(rows.size() - 1)[0];
      lastSeq = newLast;
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
    for (int i = 0; i < done.size(); i++) {
      done.get(i).complete(seqs.get(i));
    }
    for (LongConsumer l : listeners) {
      try {
        l.accept(newLast);
      } catch (RuntimeException e) {
        log.warn("change-log listener failed", e);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    lock.lock();
    try {
      advanced.signalAll();
      waiting.values().forEach(f -> f.completeExceptionally(new IllegalStateException("the change log is closed")));
      waiting.clear();
    } finally {
      lock.unlock();
    }
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run); // the thread is in getNotifications for up to a second otherwise
      } catch (SQLException e) {
        log.debug("aborting the follower's connection failed", e);
      }
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
