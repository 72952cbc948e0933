package io.syntrix.store.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the PostgreSQL engine.
 *
 * @param jdbcUrl            {@code jdbc:postgresql://host:port/database?user=...&password=...}
 * @param poolSize           connections kept by the pool, for reads and writes (default 20)
 * @param writerThreads      threads running write transactions, each borrowing one connection per
 *                           write (default 16; below {@code poolSize} so reads always find one)
 * @param writeQueueCapacity writes waiting for a writer thread at most (default 4,096); past it
 *                           {@link PostgresDocumentStore#writeAsync} refuses at once with
 *                           {@link io.syntrix.store.StoreException.Busy}
 * @param statementTimeout   longest a single statement may run before PostgreSQL cancels it (default 30 s)
 * @param connectionTimeout  longest a caller waits for a pooled connection (default 5 s)
 * @param scanPageSize       rows one page of a scan reads (default 128; a page of documents may
 *                           hold up to this many 1 MiB documents)
 * @param sequencer          whether this process may take the sequencer role (default true); with
 *                           several, one sequences and the others stand by
 * @param retention          how long tombstones and change-log entries are kept (default 30 days)
 * @param purgeInterval      how often this process runs retention (default 1 hour); with several
 *                           processes, one purges at a time and the others skip their run
 */
public record PostgresStoreOptions(String jdbcUrl, int poolSize, int writerThreads, int writeQueueCapacity,
                                   Duration statementTimeout, Duration connectionTimeout, int scanPageSize,
                                   boolean sequencer, Duration retention, Duration purgeInterval) {
  public PostgresStoreOptions {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl.replaceAll("password=[^&]*", "password=***"));
    }
    if (writerThreads < 1 || poolSize <= writerThreads) {
      throw new IllegalArgumentException("need 1 <= writerThreads < poolSize, got " + writerThreads + " and " + poolSize);
    }
    if (writeQueueCapacity < 1 || scanPageSize < 1) {
      throw new IllegalArgumentException("writeQueueCapacity and scanPageSize must be positive");
    }
    if (statementTimeout.isNegative() || connectionTimeout.isNegative() || connectionTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (retention.isNegative() || purgeInterval.isNegative() || purgeInterval.isZero()) {
      throw new IllegalArgumentException("retention and purge interval must be positive, got " + retention + " and "
          + purgeInterval);
    }
  }

  public static PostgresStoreOptions defaults(String jdbcUrl) {
    return new PostgresStoreOptions(jdbcUrl, 20, 16, 4_096, Duration.ofSeconds(30), Duration.ofSeconds(5), 128, true,
        Duration.ofDays(30), Duration.ofHours(1));
  }

  public PostgresStoreOptions withPool(int poolSize, int writerThreads) {
    return new PostgresStoreOptions(jdbcUrl, poolSize, writerThreads, writeQueueCapacity, statementTimeout,
        connectionTimeout, scanPageSize, sequencer, retention, purgeInterval);
  }

  public PostgresStoreOptions withWriteQueueCapacity(int writeQueueCapacity) {
    return new PostgresStoreOptions(jdbcUrl, poolSize, writerThreads, writeQueueCapacity, statementTimeout,
        connectionTimeout, scanPageSize, sequencer, retention, purgeInterval);
  }

  public PostgresStoreOptions withScanPageSize(int scanPageSize) {
    return new PostgresStoreOptions(jdbcUrl, poolSize, writerThreads, writeQueueCapacity, statementTimeout,
        connectionTimeout, scanPageSize, sequencer, retention, purgeInterval);
  }

  public PostgresStoreOptions withSequencer(boolean sequencer) {
    return new PostgresStoreOptions(jdbcUrl, poolSize, writerThreads, writeQueueCapacity, statementTimeout,
        connectionTimeout, scanPageSize, sequencer, retention, purgeInterval);
  }

  public PostgresStoreOptions withRetention(Duration retention) {
    return new PostgresStoreOptions(jdbcUrl, poolSize, writerThreads, writeQueueCapacity, statementTimeout,
        connectionTimeout, scanPageSize, sequencer, retention, purgeInterval);
  }

  public PostgresStoreOptions withPurgeInterval(Duration purgeInterval) {
    return new PostgresStoreOptions(jdbcUrl, poolSize, writerThreads, writeQueueCapacity, statementTimeout,
        connectionTimeout, scanPageSize, sequencer, retention, purgeInterval);
  }
}
