package io.syntrix.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.syntrix.store.postgres.log.PostgresChangeLog;
import io.syntrix.store.postgres.log.SequenceFollower;
import io.syntrix.store.postgres.log.Sequencer;
import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.Cursor;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.DatabaseUsage;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.store.StoreException;
import io.syntrix.store.SystemStore;
import io.syntrix.store.Write;
import io.syntrix.store.spi.ChangeCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link DocumentStore} on PostgreSQL (D13): documents, index entries, system records and
 * usage counters in tables, every write one transaction, any number of processes writing at once.
 *
 * <p><b>Threads.</b> Reads run on the caller's thread, each borrowing a pooled connection for one
 * statement (scans: one per page). Writes run on {@link Writers} ({@code syntrix-pg-writer-N});
 * their futures complete when {@link Sequencing} gives the committed transaction its seq.
 *
 * <p><b>Start.</b> Opening connects (failing at once, with the URL minus its password, when
 * PostgreSQL cannot be reached) and brings the schema to this code's version ({@link SchemaMigrator}).
 *
 * <p><b>Change log.</b> Every process follows the log ({@link SequenceFollower}); a process opened
 * with {@link PostgresStoreOptions#sequencer()} may also sequence it ({@link Sequencer}; one at a
 * time, the others stand by). A write completes once its transaction has its seq
 * (docs/design/postgres-changelog.md).
 *
 * <p><b>Retention.</b> Every process runs {@link Retention} on {@code syntrix-retention} every
 * {@link PostgresStoreOptions#purgeInterval()}; one process purges at a time, in bounded
 * transactions, change-log entries and tombstones older than {@link PostgresStoreOptions#retention()}
 * by the store's clock.
 */
public final class PostgresDocumentStore implements DocumentStore {
  private final HikariDataSource pool;
  private final DocumentRows documents;
  private final IndexScans indexes;
  private final PostgresSystemStore system;
  private final Writers writers;
  private final int scanPageSize;
  private final SequenceFollower follower;
  private final Sequencer sequencer;
  private final PostgresChangeLog changeLog;
  private final Retention retention;
  private volatile boolean closed;

  /** Opens the store with its change log: followed in this process, sequenced here when it may and no other does. */
  public PostgresDocumentStore(PostgresStoreOptions options) {
    this(options, Clock.systemUTC());
  }

  /** Opens the store with a clock for retention decisions (tests move time forward). */
  public PostgresDocumentStore(PostgresStoreOptions options, Clock clock) {
    this.pool = connect(options);
    try {
      SchemaMigrator.fromClasspath().migrate(pool);
      Sequencer.ensureSlot(options.jdbcUrl(), Sequencer.Options.defaults(options.jdbcUrl()));
      follower = new SequenceFollower(options.jdbcUrl(), recordedLastSeq(pool));
      changeLog = new PostgresChangeLog(pool, follower, ChangeMessage::change);
      sequencer = options.sequencer() ? new Sequencer(Sequencer.Options.defaults(options.jdbcUrl()),
          PostgresDocumentStore::route, entries -> {
            changeLog.sequencedHere(entries); // before the follower publishes their seqs: readers find them here
            follower.sequencedHere(entries);
          }) : null;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    follower.start();
    if (sequencer != null) {
      sequencer.start();
    }
    this.scanPageSize = options.scanPageSize();
    this.documents = new DocumentRows(pool, options.scanPageSize());
    this.indexes = new IndexScans(pool, options.scanPageSize());
    this.system = new PostgresSystemStore(pool);
    this.writers = new Writers(pool, follower::seqOf, options.writerThreads(), options.writeQueueCapacity());
    this.retention = new Retention(pool, clock, options.retention(), options.purgeInterval(),
        firstSeq -> changeLog.purgedThrough(firstSeq - 1));
    retention.start();
  }

  private static Sequencer.Route route(byte[] message) {
    ChangeCodec.Names names = ChangeMessage.namesOf(message);
    return new Sequencer.Route(ChangeMessage.xidOf(message), names.database(), names.path().collection().value(),
        names.path().id());
  }

  private static long recordedLastSeq(HikariDataSource pool) {
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT last_seq FROM syntrix_sequencer WHERE id = 1");
         ResultSet rs = s.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw PgErrors.translate("reading the change log's position", e);
    }
  }

  /**
   * Purges, now, change-log entries and tombstones older than the retention period by the store's
   * clock, in bounded transactions; stops early if another process is purging.
   */
  public PurgeResult purgeExpired() {
    return retention.purgeExpired();
  }

  /** For tests that run single retention steps. */
  Retention retention() {
    return retention;
  }

  /** True while this process is the one sequencing the change log. */
  public boolean isSequencing() {
    return sequencer != null && sequencer.isActive();
  }

  /** Milliseconds the sequencing of read commits is behind, in the process that sequences (0 elsewhere). */
  public long sequencerLagMillis() {
    return sequencer == null ? 0 : sequencer.lagMillis();
  }

  /**
   * HikariCP: the pool that validates and replaces broken connections by itself, resets the
   * session state callers changed (autocommit) when a connection comes back, and bounds the wait
   * for a connection; small and dependency-free.
   */
  private static HikariDataSource connect(PostgresStoreOptions options) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("syntrix-pg");
    config.setJdbcUrl(options.jdbcUrl());
    config.setMaximumPoolSize(options.poolSize());
    config.setMinimumIdle(options.poolSize());
    config.setConnectionTimeout(options.connectionTimeout().toMillis());
    config.setConnectionInitSql("SET statement_timeout = " + options.statementTimeout().toMillis());
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", "syntrix");
    try {
      return new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      throw StoreException.unavailable("cannot connect to PostgreSQL at "
          + options.jdbcUrl().replaceAll("password=[^&]*", "password=***") + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @Override
  public CompletableFuture<ChangeEvent> writeAsync(Write write, DatabaseQuota quota) {
    return writers.submit(write, quota);
  }

  @Override
  public Optional<Document> get(String database, DocumentPath path, boolean includeDeleted) {
    return documents.get(database, path, includeDeleted);
  }

  @Override
  public Cursor<Document> scanCollection(String database, CollectionPath collection, String startAfterId,
                                         boolean includeDeleted, boolean descending) {
    return documents.scan(database, collection, startAfterId, includeDeleted, descending);
  }

  @Override
  public Cursor<IndexEntry> scanIndex(String database, CollectionPath collection, String field, IndexRange range,
                                      boolean descending, IndexEntry startAfter) {
    return indexes.scan(database, collection, field, range, descending, startAfter);
  }

  @Override
  public DatabaseUsage usage(String database) {
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(documents), 0), coalesce(sum(storage_bytes), 0)"
             + " FROM database_usage WHERE db = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new DatabaseUsage(rs.getLong(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw PgErrors.translate("reading the usage of database '" + database + "'", e);
    }
  }

  /**
   * One transaction that deletes the database's rows and subtracts what they counted for from its
   * usage ({@link #foldUsage}, so a write racing the drop keeps the count exact). Unlike RocksDB's range deletes this is work in proportion to the database's size.
   */
  @Override
  public long dropDatabase(String database) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        long documents;
        long bytes;
        try (PreparedStatement s = c.prepareStatement("WITH gone AS (DELETE FROM documents WHERE db = ?"
            + " RETURNING deleted, stored_bytes) SELECT count(*) FILTER (WHERE NOT deleted),"
            + " coalesce(sum(stored_bytes) FILTER (WHERE NOT deleted), 0) FROM gone")) {
          s.setString(1, database);
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            documents = rs.getLong(1);
            bytes = rs.getLong(2);
          }
        }
        for (String table : new String[] {"index_entries", "overflow_entries"}) {
          try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE db = ?")) {
            s.setString(1, database);
            s.executeUpdate();
          }
        }
        foldUsage(c, database, documents, bytes);
        c.commit();
        return documents;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PgErrors.translate("dropping database '" + database + "'", e);
    }
  }

  /**
   * Replaces the database's usage shards by one row (shard 0) holding their sum minus what the drop
   * removed. The shards are locked first, so a write that added to one commits before they are
   * read, or waits and adds to the new row afterwards (its upsert finds no row and inserts one):
   * either way its delta stays counted, and a document it created survives the drop counted.
   */
  private static void foldUsage(Connection c, String database, long removedDocuments, long removedBytes)
      throws SQLException {
    long documents = -removedDocuments;
    long bytes = -removedBytes;
    try (PreparedStatement s = c.prepareStatement("SELECT documents, storage_bytes FROM database_usage WHERE db = ?"
        + " ORDER BY shard FOR UPDATE")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          documents += rs.getLong(1);
          bytes += rs.getLong(2);
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement("DELETE FROM database_usage WHERE db = ?")) {
      s.setString(1, database);
      s.executeUpdate();
    }
    if (documents != 0 || bytes != 0) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO database_usage AS u (db, shard, documents,"
          + " storage_bytes) VALUES (?, 0, ?, ?) ON CONFLICT (db, shard) DO UPDATE SET documents = u.documents"
          + " + EXCLUDED.documents, storage_bytes = u.storage_bytes + EXCLUDED.storage_bytes")) {
        s.setString(1, database);
        s.setLong(2, documents);
        s.setLong(3, bytes);
        s.executeUpdate();
      }
    }
  }

  @Override
  public SystemStore system() {
    return system;
  }

  @Override
  public ChangeLog changeLog() {
    return changeLog;
  }

  /** A REPEATABLE READ transaction that hands over to the change log exactly (see {@link PostgresReadSnapshot}). */
  @Override
  public ReadSnapshot snapshot() {
    return PostgresReadSnapshot.open(pool, scanPageSize);
  }

  /** True while writes are accepted and the pool runs; says nothing about PostgreSQL being up (no I/O here). */
  @Override
  public boolean isHealthy() {
    return !closed && writers.isRunning() && pool.isRunning();
  }

  /** Finishes the queued writes, then closes every connection. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    retention.close();
    writers.close();
    if (sequencer != null) {
      sequencer.close();
    }
    follower.close();
    pool.close();
  }
}
