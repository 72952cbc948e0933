package io.syntrix.store.postgres.log;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the commits of every writer, in any process, into the gap-free, commit-ordered change
 * log (docs/design/postgres-changelog.md). Runs on its own thread ({@code syntrix-sequencer});
 * at most one process sequences at a time, the others wait as standbys on the advisory lock.
 *
 * <p>Per decoded transaction: each {@code syntrix.change} message gets the next seq; the entries
 * and the sequencer's position (last seq, end LSN) commit in one PostgreSQL transaction, and only
 * then is the end LSN confirmed to the slot. On start the recorded end LSN decides what was
 * sequenced already, so a crash anywhere neither loses nor repeats a change.
 */
public final class Sequencer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sequencer.class);
  static final String PREFIX = "syntrix.change";
  /**
   * A transactional message with no change: a read snapshot emits one after it starts, and once
   * the sequencer's recorded position passes it, every transaction the snapshot could see has its
   * seq ({@link #MARK}'s transaction is recorded like any other).
   */
  public static final String MARK = "syntrix.mark";
  /** Polling every millisecond this long after the last message, every 5 ms after that. */
  private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Transactions sequenced in one PostgreSQL transaction at most. */
  private static final int MAX_BATCH = 1_000;

  /** What one message is filed under, read from its content by the store's codec: the writing transaction and the document. */
  public record Route(long xid, String database, String collection, String documentId) {}

  /** One sequenced change. */
  public record Entry(long seq, long xid, long commitLsn, long committedAt, byte[] payload) {}

  /** Told, on the sequencer thread, after each batch committed. */
  public interface Listener {
    void sequenced(List<Entry> entries);
  }

  /**
   * @param jdbcUrl           the store's URL (credentials in it); the replication connection adds
   *                          {@code replication=database} to it
   * @param slot              the logical replication slot, created on first start; null: named
   *                          after the database ({@code syntrix_<database>}), since slot names are
   *                          per PostgreSQL cluster and several Syntrix databases may share one
   * @param publication       an empty publication pgoutput is asked for (it only carries messages)
   * @param lockKey           the advisory lock whose holder is the sequencer
   * @param standbyPollMillis how often a standby tries the lock
   */
  public record Options(String jdbcUrl, String slot, String publication, long lockKey, long standbyPollMillis) {
    public static Options defaults(String jdbcUrl) {
      return new Options(jdbcUrl, null, "syntrix_changes", 0x5359_4E54_0000_0002L, 1_000);
    }
  }

  private final Options options;
  private final Function<byte[], Route> routes;
  private final Listener listener;
  private final Thread thread;
  private volatile String slot;
  private volatile boolean closed;
  private volatile boolean active;
  private volatile long lastSeq = -1;
  private volatile long lastCommittedAt;
  /** Commit time (Unix ms) of the oldest decoded transaction not yet sequenced; 0 when none waits. */
  private volatile long oldestWaiting;

  public Sequencer(Options options, Function<byte[], Route> routes, Listener listener) {
    this.options = options;
    this.routes = routes;
    this.listener = listener;
    this.thread = Thread.ofPlatform().name("syntrix-sequencer").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** True while this process holds the sequencer role. */
  public boolean isActive() {
    return active;
  }

  public long lastSeq() {
    return lastSeq;
  }

  /**
   * How far sequencing is behind the commits it has read: now minus the commit time of the oldest
   * decoded transaction still without a seq (0 when none waits, and in a standby).
   */
  public long lagMillis() {
    long oldest = oldestWaiting;
    return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
  }

  private void run() {
    long backoff = 100;
    while (!closed) {
      try (Connection lock = DriverManager.getConnection(options.jdbcUrl(), named())) {
        if (!tryLock(lock)) {
          sleep(options.standbyPollMillis());
          continue;
        }
        active = true;
        slot = options.slot() != null ? options.slot() : slotFor(lock);
        log.info("sequencer active (slot {})", slot);
        sequence(lock);
        backoff = 100;
      } catch (SQLException e) {
        active = false; // not while waiting to retry: another process may take the role meanwhile
        if (!closed) {
          log.warn("sequencer lost PostgreSQL ({}: {}); retrying in {} ms", e.getSQLState(), e.getMessage(), backoff);
          sleep(backoff);
          backoff = Math.min(backoff * 2, 5_000);
        }
      } catch (RuntimeException e) {
        active = false;
        if (!closed) {
          log.error("sequencer failed; retrying in {} ms", backoff, e);
          sleep(backoff);
          backoff = Math.min(backoff * 2, 5_000);
        }
      } finally {
        active = false;
      }
    }
  }

  /** Connection properties that name the sequencer's sessions in {@code pg_stat_activity}. */
  private static Properties named() {
    Properties p = new Properties();
    PGProperty.APPLICATION_NAME.set(p, "syntrix-sequencer");
    return p;
  }

  /** {@code syntrix_<database>}, in the characters a slot name allows. */
  static String slotFor(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT current_database()")) {
      r.next();
      String name = "syntrix_" + r.getString(1).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
      return name.length() > 63 ? name.substring(0, 63) : name;
    }
  }

  private boolean tryLock(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      s.setLong(1, options.lockKey());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    }
  }

  /** Holding the lock: streams the slot and sequences until closed or the connection fails. */
  private void sequence(Connection db) throws SQLException {
    ensureSlot(db, slot, options.publication());
    db.setAutoCommit(true); // each batch is one statement
    long[] state = readState(db);
    lastSeq = state[0];
    long recordedEnd = state[1];
    Properties p = named();
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    try (Connection rc = DriverManager.getConnection(options.jdbcUrl(), p)) {
      PGReplicationStream stream = rc.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
          .withSlotName(slot).withStartPosition(LogSequenceNumber.valueOf(recordedEnd))
          .withSlotOption("proto_version", "1").withSlotOption("publication_names", options.publication())
          .withSlotOption("messages", "true").withStatusInterval(1, TimeUnit.SECONDS).start();
      try {
        stream(db, stream, recordedEnd);
      } finally {
        stream.close();
      }
    }
  }

  private void stream(Connection db, PGReplicationStream stream, long recordedEnd) throws SQLException {
    List<Txn> ready = new ArrayList<>();
    Txn open = null;
    long lastMessage = System.nanoTime();
    while (!closed) {
      ByteBuffer buffer = stream.readPending();
      if (buffer == null) {
        if (!ready.isEmpty()) {
          // Everything that arrived together goes into one transaction (one commit for many writes).
          recordedEnd = commit(db, stream, ready);
          ready.clear();
          continue;
        }
        // Nothing pending: poll again soon. Not a blocking read(): pgjdbc answers the walsender's
        // keepalives inside it with the flushed position as it was when the read began, and a
        // walsender shutting down waits for a reply that confirms everything it sent.
        sleep(System.nanoTime() - lastMessage < IDLE_NANOS ? 1 : 5);
        continue;
      }
      lastMessage = System.nanoTime();
      switch (PgOutput.parse(buffer)) {
        case PgOutput.Begin b -> open = new Txn();
        case PgOutput.Message m -> {
          if (m.transactional() && open != null) {
            if (PREFIX.equals(m.prefix())) {
              open.payloads.add(m.content());
            } else if (MARK.equals(m.prefix())) {
              open.marked = true;
            }
          }
        }
        case PgOutput.Commit c -> {
          if (open != null && c.endLsn() > recordedEnd && (!open.payloads.isEmpty() || open.marked)) {
            open.commitLsn = c.commitLsn();
            open.endLsn = c.endLsn();
            open.committedAt = c.commitMillis();
            if (ready.isEmpty()) {
              oldestWaiting = c.commitMillis();
            }
            ready.add(open);
            if (ready.size() >= MAX_BATCH) {
              recordedEnd = commit(db, stream, ready);
              ready.clear();
            }
          } else if (ready.isEmpty() && c.endLsn() > recordedEnd) {
            // A transaction with nothing of ours (e.g. the sequencer's own): let the slot move on.
            stream.setFlushedLSN(LogSequenceNumber.valueOf(c.endLsn()));
            stream.setAppliedLSN(LogSequenceNumber.valueOf(c.endLsn()));
          }
          open = null;
        }
        default -> { }
      }
    }
  }

  /**
   * One statement, so one transaction and one round trip: the entries and the position (and the
   * notification, sent at its commit); then the slot is confirmed.
   */
  private long commit(Connection db, PGReplicationStream stream, List<Txn> txns) throws SQLException {
    List<Entry> entries = new ArrayList<>();
    List<Route> routed = new ArrayList<>();
    long seq = lastSeq;
    for (Txn t : txns) {
      for (byte[] payload : t.payloads) {
        Route route = routes.apply(payload);
        entries.add(new Entry(++seq, route.xid(), t.commitLsn, t.committedAt, payload));
        routed.add(route);
      }
    }
    int n = entries.size();
    Long[] seqs = new Long[n];
    Long[] xids = new Long[n];
    String[] lsns = new String[n];
    Long[] times = new Long[n];
    String[] dbs = new String[n];
    String[] collections = new String[n];
    String[] ids = new String[n];
    byte[][] payloads = new byte[n][];
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      Route r = routed.get(i);
      seqs[i] = e.seq();
      xids[i] = e.xid();
      lsns[i] = LogSequenceNumber.valueOf(e.commitLsn()).asString();
      times[i] = e.committedAt();
      dbs[i] = r.database();
      collections[i] = r.collection();
      ids[i] = r.documentId();
      payloads[i] = e.payload();
    }
    long end = txns.get(txns.size() - 1).endLsn;
    try (PreparedStatement s = db.prepareStatement("WITH entries AS (INSERT INTO syntrix_changes"
        + " (seq, xid, commit_lsn, committed_at, db, collection, doc_id, payload)"
        + " SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::pg_lsn[], ?::bigint[], ?::text[], ?::text[], ?::text[],"
        + " ?::bytea[]))"
        + " UPDATE syntrix_sequencer SET last_seq = ?, end_lsn = ?::pg_lsn WHERE id = 1"
        + " RETURNING pg_notify('syntrix_seq', ?)")) {
      s.setArray(1, db.createArrayOf("bigint", seqs));
      s.setArray(2, db.createArrayOf("bigint", xids));
      s.setArray(3, db.createArrayOf("text", lsns));
      s.setArray(4, db.createArrayOf("bigint", times));
      s.setArray(5, db.createArrayOf("text", dbs));
      s.setArray(6, db.createArrayOf("text", collections));
      s.setArray(7, db.createArrayOf("text", ids));
      s.setArray(8, db.createArrayOf("bytea", payloads));
      s.setLong(9, seq);
      s.setString(10, LogSequenceNumber.valueOf(end).asString());
      s.setString(11, Long.toString(seq));
      s.executeQuery().close();
    }
    lastSeq = seq;
    lastCommittedAt = txns.get(txns.size() - 1).committedAt;
    oldestWaiting = 0;
    stream.setFlushedLSN(LogSequenceNumber.valueOf(end));
    stream.setAppliedLSN(LogSequenceNumber.valueOf(end));
    listener.sequenced(entries);
    return end;
  }

  private static long[] readState(Connection db) throws SQLException {
    try (Statement s = db.createStatement();
         ResultSet r = s.executeQuery("SELECT last_seq, (end_lsn - '0/0'::pg_lsn)::bigint FROM syntrix_sequencer WHERE id = 1")) {
      if (!r.next()) {
        throw new SQLException("syntrix_sequencer has no row: the schema was not migrated");
      }
      return new long[] {r.getLong(1), r.getLong(2)};
    }
  }

  /**
   * Creates the publication and the slot unless they exist. Every process calls this before it
   * accepts a write: a slot only decodes transactions that commit after its creation, so a write
   * committed before it would never be sequenced. Explains a server not set up for logical
   * replication.
   */
  public static void ensureSlot(String jdbcUrl, Options options) {
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      String name = options.slot() != null ? options.slot() : slotFor(c);
      ensureSlot(c, name, options.publication());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set up the change log's replication slot (PostgreSQL "
          + e.getSQLState() + ": " + e.getMessage() + ")", e);
    }
  }

  private static void ensureSlot(Connection db, String slot, String publication) throws SQLException {
    db.setAutoCommit(true);
    try (Statement s = db.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_publication WHERE pubname = '" + publication + "'")) {
        if (!r.next()) {
          try {
            s.execute("CREATE PUBLICATION " + publication);
          } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState())) {
              throw e; // 42710: another process created it meanwhile
            }
          }
        }
      }
      try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
        if (r.next()) {
          return;
        }
      }
      try {
        s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
      } catch (SQLException e) {
        if ("42710".equals(e.getSQLState())) {
          return; // another process created it meanwhile
        }
        if ("55000".equals(e.getSQLState()) || "53400".equals(e.getSQLState())) {
          throw new IllegalStateException("cannot create the logical replication slot " + slot + ": "
              + e.getMessage() + ". PostgreSQL must run with wal_level=logical, max_replication_slots >= 1 and"
              + " max_wal_senders >= 1 (postgresql.conf; a restart is needed)", e);
        }
        throw e;
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
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One decoded transaction while its messages arrive. */
  private static final class Txn {
    final List<byte[]> payloads = new ArrayList<>(1);
    boolean marked;
    long commitLsn;
    long endLsn;
    long committedAt;
  }
}
