package io.syntrix.bench.load;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL for benchmarks, from Maven artifacts (zonky's binaries, PostgreSQL 17.6), on
 * 127.0.0.1 and a free port, with the durability of a default installation (fsync and
 * synchronous_commit on; Parse's peer figures were taken so) plus logical replication for the
 * change log. Its data directory is deleted when it stops.
 */
final class BenchPostgres implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private BenchPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static BenchPostgres start() throws IOException {
    Path data = Files.createTempDirectory("syntrix-bench-pg-");
    return new BenchPostgres(EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
        .setServerConfig("wal_level", "logical").setServerConfig("max_replication_slots", "8")
        .setServerConfig("max_wal_senders", "8").setServerConfig("max_connections", "200")
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start());
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
