package io.syntrix.gateway;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.MapValue;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.Write;
import io.syntrix.store.postgres.EmbeddedPostgresServer;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresIntegrity;
import io.syntrix.store.postgres.PostgresStoreOptions;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Where a {@link TestServer} keeps its documents, for the whole test JVM chosen by the system
 * property {@value #ENGINE_PROPERTY}: {@code rocksdb} (the default) keeps them in RocksDB under
 * the test's directory; {@code postgres} in a fresh database of their own on the JVM's embedded
 * PostgreSQL ({@link EmbeddedPostgresServer}), dropped when the storage closes. A storage outlives
 * the stores opened on it, one after the other, so a restarted server finds its data.
 *
 * <p>syntrix-gateway's pom runs the server tests twice, once per engine. A test about one engine
 * only says so, with the reason: {@code @DisabledIfSystemProperty(named = TestStorage.ENGINE_PROPERTY,
 * matches = TestStorage.POSTGRES, disabledReason = "...")}.
 */
sealed interface TestStorage extends AutoCloseable {
  String ENGINE_PROPERTY = "syntrix.test.engine";
  String POSTGRES = "postgres";

  /** A new, empty storage on the engine of this JVM; {@code dir} holds RocksDB's files. */
  static TestStorage create(Path dir) {
    String engine = System.getProperty(ENGINE_PROPERTY, "rocksdb");
    return switch (engine) {
      case "rocksdb" -> new Rocks(dir);
      case POSTGRES -> new Postgres(EmbeddedPostgresServer.shared().createDatabase("server"));
      default -> throw new IllegalArgumentException(ENGINE_PROPERTY + " must be rocksdb or postgres, not " + engine);
    };
  }

  /**
   * Opens a store on this storage. {@code clock} decides retention (PostgreSQL's writers stamp
   * commits with the system clock); {@code writeQueueCapacity} 0 keeps the engine's default.
   */
  DocumentStore open(Clock clock, int writeQueueCapacity);

  /** Runs {@code store}'s retention now (the engines' own {@code purgeExpired}). */
  static void purgeExpired(DocumentStore store) {
    switch (store) {
      case RocksDocumentStore rocks -> rocks.purgeExpired();
      case PostgresDocumentStore postgres -> postgres.purgeExpired();
      default -> throw new IllegalArgumentException("no retention to run on " + store.getClass().getName());
    }
  }

  /** What a full consistency check of {@code store}'s data finds: nothing when all is well. */
  List<String> integrityProblems(DocumentStore store);

  /**
   * Holds {@code store}'s writing still until closed (once or more): returns once the store has taken writes of
   * the hold's own into {@code database} (an id) off its write queue as far as it can and stalls on them,
   * its queue empty. Writes submitted meanwhile wait in the queue; the store refuses the rest as busy.
   */
  AutoCloseable holdWrites(DocumentStore store, String database) throws Exception;

  /** Drops what the storage holds (PostgreSQL's database); every store opened on it must be closed. */
  @Override
  void close();

  /** RocksDB in the test's directory, which the test framework deletes. */
  record Rocks(Path dir) implements TestStorage {
    @Override
    public DocumentStore open(Clock clock, int writeQueueCapacity) {
      RocksStoreOptions options = RocksStoreOptions.defaults(dir);
      return RocksDocumentStore.open(writeQueueCapacity > 0 ? options.withWriteQueueCapacity(writeQueueCapacity)
          : options, clock);
    }

    @Override
    public List<String> integrityProblems(DocumentStore store) {
      return ((RocksDocumentStore) store).checkIntegrity().problems();
    }

    /** The one committer, held in a commit listener (they run on its thread) after a write of the hold's. */
    @Override
    public AutoCloseable holdWrites(DocumentStore store, String database) throws InterruptedException {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch held = new CountDownLatch(1);
      AutoCloseable listener = store.changeLog().onCommit(seq -> {
        held.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      store.writeAsync(new Write.Replace(database, DocumentPath.of("holds/h0"), MapValue.builder().build(), List.of()));
      if (!held.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the committer did not reach the hold within 10 s");
      }
      return () -> {
        release.countDown();
        listener.close();
      };
    }

    @Override
    public void close() {
    }
  }

  /** A database of its own on the embedded PostgreSQL. */
  record Postgres(EmbeddedPostgresServer.TestDatabase database) implements TestStorage {
    @Override
    public DocumentStore open(Clock clock, int writeQueueCapacity) {
      PostgresStoreOptions options = PostgresStoreOptions.defaults(database.jdbcUrl());
      return new PostgresDocumentStore(writeQueueCapacity > 0 ? options.withWriteQueueCapacity(writeQueueCapacity)
          : options, clock);
    }

    @Override
    public List<String> integrityProblems(DocumentStore store) {
      return PostgresIntegrity.problems(database.jdbcUrl());
    }

    /**
     * A write of an existing document first locks its row (docs/design/postgres.md): with the rows
     * of {@code holds/h0..hN} (N writer threads) locked by a transaction of the hold's, each writer
     * thread stalls on a replace of one of them.
     */
    @Override
    public AutoCloseable holdWrites(DocumentStore store, String database) throws Exception {
      int writers = PostgresStoreOptions.defaults(this.database.jdbcUrl()).writerThreads();
      for (int i = 0; i < writers; i++) {
        store.writeAsync(new Write.Replace(database, DocumentPath.of("holds/h" + i), MapValue.builder().build(),
            List.of())).get(10, TimeUnit.SECONDS);
      }
      Connection c = DriverManager.getConnection(this.database.jdbcUrl());
      try (Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.executeQuery("SELECT 1 FROM documents WHERE db = '" + database + "' AND collection = 'holds' FOR UPDATE")
            .close();
        // One at a time: the write queue may be smaller than the number of writer threads.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < writers; i++) {
          store.writeAsync(new Write.Replace(database, DocumentPath.of("holds/h" + i), MapValue.builder().build(),
              List.of()));
          while (waitingForLocks(s) < i + 1) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("only " + i + " of the " + writers + " writer threads reached the hold"
                  + " within 10 s");
            }
            Thread.sleep(5);
          }
        }
      } catch (SQLException | InterruptedException | RuntimeException e) {
        c.close();
        throw e;
      }
      return () -> {
        if (!c.isClosed()) {
          try (c) {
            c.rollback();
          }
        }
      };
    }

    /** Sessions of this database waiting for a lock (activity is cached per transaction: cleared first). */
    private static int waitingForLocks(Statement s) throws SQLException {
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND wait_event_type = 'Lock'")) {
        rs.next();
        return rs.getInt(1);
      }
    }

    @Override
    public void close() {
      database.close();
    }
  }
}
