package io.syntrix.store.rocksdb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the embedded store.
 *
 * @param directory       where RocksDB keeps its files
 * @param retention       how long tombstones and change-log entries are kept (default 30 days)
 * @param purgeInterval   how often retention runs (default 1 hour)
 * @param durability      when the WAL is fsynced (default {@link Durability#FSYNC_PERIODIC})
 * @param syncInterval    the fsync period for {@link Durability#FSYNC_PERIODIC} (default 100 ms)
 * @param blockCacheBytes size of the shared block cache (default 64 MiB)
 * @param writeQueueCapacity writes waiting for the committer at most (default 16,384); past it
 *                        {@link RocksDocumentStore#writeAsync} refuses at once with
 *                        {@link io.syntrix.store.StoreException.Busy} instead of blocking its caller
 */
public record RocksStoreOptions(Path directory, Duration retention, Duration purgeInterval, Durability durability,
                                Duration syncInterval, long blockCacheBytes, int writeQueueCapacity) {
  public RocksStoreOptions {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(durability, "durability");
    if (retention.isNegative() || purgeInterval.isNegative() || purgeInterval.isZero() || syncInterval.isNegative()) {
      throw new IllegalArgumentException("retention, purge and sync intervals must be positive");
    }
    if (writeQueueCapacity < 1) {
      throw new IllegalArgumentException("writeQueueCapacity " + writeQueueCapacity + " < 1");
    }
  }

  public static RocksStoreOptions defaults(Path directory) {
    return new RocksStoreOptions(directory, Duration.ofDays(30), Duration.ofHours(1), Durability.FSYNC_PERIODIC,
        Duration.ofMillis(100), 64L << 20, 16_384);
  }

  public RocksStoreOptions withRetention(Duration retention) {
    return new RocksStoreOptions(directory, retention, purgeInterval, durability, syncInterval, blockCacheBytes, writeQueueCapacity);
  }

  public RocksStoreOptions withPurgeInterval(Duration purgeInterval) {
    return new RocksStoreOptions(directory, retention, purgeInterval, durability, syncInterval, blockCacheBytes, writeQueueCapacity);
  }

  public RocksStoreOptions withDurability(Durability durability) {
    return new RocksStoreOptions(directory, retention, purgeInterval, durability, syncInterval, blockCacheBytes, writeQueueCapacity);
  }

  public RocksStoreOptions withWriteQueueCapacity(int writeQueueCapacity) {
    return new RocksStoreOptions(directory, retention, purgeInterval, durability, syncInterval, blockCacheBytes,
        writeQueueCapacity);
  }
}
