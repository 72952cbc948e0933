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
 */
public final class SequenceFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SequenceFollower.class);
  /** Recently sequenced transactions remembered for writers that ask after their seq was given. */
  private static final int RECENT = 65_536;

  private final String url;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
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
        while (!closed) {
          catchUp(c);
          PGNotification[] notes = pg.getNotifications(1_000);
          if (notes == null || notes.length == 0) {
            continue; // the poll: catchUp again in case a notification was missed
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

  private void publish(List<long[]> rows) {
    List<CompletableFuture<Long>> done = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    long newLast;
    lock.lock();
    try {
      for (long[] row : rows) {
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
