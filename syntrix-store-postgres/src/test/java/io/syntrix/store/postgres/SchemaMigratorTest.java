package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {
  private final PostgresTestStores stores = new PostgresTestStores("schema");

  @AfterEach
  void dropTheDatabase() throws Exception {
    stores.close();
  }

  @Test
  void migrationsAreNumberedFromOneOnTheClasspath() {
    SchemaMigrator migrator = SchemaMigrator.fromClasspath();
    assertThat(migrator.latestVersion()).isGreaterThanOrEqualTo(1);
    assertThat(SchemaMigrator.load(getClass().getClassLoader()).get(0).description())
        .isEqualTo("documents index system usage");
  }

  @Test
  void storesStartingTogetherMigrateOnce() throws Exception {
    List<CompletableFuture<PostgresDocumentStore>> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starts.add(CompletableFuture.supplyAsync(stores::open));
    }
    starts.forEach(CompletableFuture::join);
    assertThat(query("SELECT count(*) FROM syntrix_schema WHERE version = 1")).isEqualTo(1);
    stores.open();
    assertThat(query("SELECT count(*) FROM syntrix_schema")).isEqualTo(SchemaMigrator.fromClasspath().latestVersion());
  }

  @Test
  void aSchemaNewerThanTheCodeIsRefused() throws Exception {
    stores.open().close();
    int latest = SchemaMigrator.fromClasspath().latestVersion();
    execute("INSERT INTO syntrix_schema (version, description) VALUES (" + (latest + 1) + ", 'from the future')");
    assertThatThrownBy(stores::open).isInstanceOf(StoreException.class)
        .hasMessageContaining("version " + (latest + 1)).hasMessageContaining("newer than the " + latest);
  }

  @Test
  void anUnreachableServerFailsAtStartSayingWhere() {
    String url = "jdbc:postgresql://127.0.0.1:1/nowhere?user=x&password=secret";
    PostgresStoreOptions options = new PostgresStoreOptions(url, 2, 1, 10, java.time.Duration.ofSeconds(1),
        java.time.Duration.ofMillis(500), 10, true, java.time.Duration.ofDays(30), java.time.Duration.ofHours(1));
    assertThatThrownBy(() -> new PostgresDocumentStore(options))
        .isInstanceOf(StoreException.class).hasMessageContaining("127.0.0.1:1/nowhere")
        .hasMessageNotContaining("secret");
  }

  private long query(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(stores.jdbcUrl()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void execute(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(stores.jdbcUrl()); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
