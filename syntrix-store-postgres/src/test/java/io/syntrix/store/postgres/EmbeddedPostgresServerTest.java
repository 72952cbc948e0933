package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The harness gives a PostgreSQL that can do what the engine needs: logical decoding, fresh databases. */
class EmbeddedPostgresServerTest {

  @Test
  void runsPostgres17WithLogicalWalAndIsolatedDatabases() throws Exception {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
    try (var a = server.createDatabase("harness"); var b = server.createDatabase("harness")) {
      assertThat(a.name()).isNotEqualTo(b.name());
      try (Connection c = DriverManager.getConnection(a.jdbcUrl()); Statement s = c.createStatement()) {
        assertThat(single(s, "SHOW wal_level")).isEqualTo("logical");
        assertThat(single(s, "SHOW server_version")).startsWith("17.");
        assertThat(single(s, "SHOW max_replication_slots")).isEqualTo("20");
        s.execute("CREATE TABLE t (x int)");
        assertThat(single(s, "SELECT pg_logical_emit_message(true, 'syntrix.test', 'x')::text")).isNotEmpty();
      }
      try (Connection c = DriverManager.getConnection(b.jdbcUrl()); Statement s = c.createStatement()) {
        assertThat(single(s, "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).isEqualTo("0");
      }
    }
  }

  private static String single(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
