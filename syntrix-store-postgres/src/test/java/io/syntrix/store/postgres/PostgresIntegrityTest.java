package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The consistency check finds nothing in a store's own tables, and each kind of damage done to them. */
class PostgresIntegrityTest {
  private final PostgresTestStores stores = new PostgresTestStores(getClass().getSimpleName());

  @AfterEach
  void dropTheDatabase() throws Exception {
    stores.close();
  }

  @Test
  void aConsistentStoreHasNoProblemsAndEachDamageIsReported() throws Exception {
    PostgresDocumentStore store = stores.open();
    store.create("db", DocumentPath.of("c/a"), json("{\"v\":1,\"big\":\"" + "x".repeat(2_000) + "\"}"));
    store.create("db", DocumentPath.of("c/b"), json("{\"v\\u0000w\":2}"));
    store.create("db", DocumentPath.of("c/c"), json("{\"v\":3}"));
    store.delete("db", DocumentPath.of("c/c"), List.of());
    assertThat(PostgresIntegrity.problems(stores.jdbcUrl())).isEmpty();

    damage("DELETE FROM index_entries WHERE doc_id = 'a' AND field = 'v'",
        "INSERT INTO index_entries VALUES ('db', 'c', 'v', '\\x01', 'ghost')",
        "DELETE FROM overflow_entries WHERE doc_id = 'a'",
        "UPDATE database_usage SET documents = documents + 1 WHERE shard = (SELECT min(shard) FROM database_usage)",
        "UPDATE documents SET stored_bytes = 1 WHERE id = 'b'",
        "DELETE FROM syntrix_changes WHERE seq = 2");
    assertThat(PostgresIntegrity.problems(stores.jdbcUrl())).satisfiesExactlyInAnyOrder(
        p -> assertThat(p).startsWith("missing index entry db/c.v=").endsWith(" of a"),
        p -> assertThat(p).startsWith("no document field matches index entry db/c.v=01 of ghost"),
        p -> assertThat(p).startsWith("missing overflow entry db/c.big="),
        p -> assertThat(p).startsWith("usage of database db is 3 documents"),
        p -> assertThat(p).startsWith("document db/c/b counts 1 stored bytes"),
        p -> assertThat(p).startsWith("the change log holds 3 entries"));
  }

  private void damage(String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection(stores.jdbcUrl()); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static MapValue json(String json) {
    return (MapValue) Json.parse(json);
  }
}
