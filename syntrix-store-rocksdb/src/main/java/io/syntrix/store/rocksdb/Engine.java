package io.syntrix.store.rocksdb;

import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.store.spi.DocumentCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The open RocksDB instance and its column families. Owned by {@link RocksDocumentStore}, which
 * closes it last, after the committer has stopped and every cursor is closed.
 */
final class Engine implements AutoCloseable {
  static {
    RocksDB.loadLibrary();
  }

  static final byte[] PURGED_THROUGH = "purged_through".getBytes(StandardCharsets.UTF_8);

  final RocksDB db;
  /** Metadata (the default column family). */
  final ColumnFamilyHandle meta;
  final ColumnFamilyHandle documents;
  final ColumnFamilyHandle index;
  final ColumnFamilyHandle changes;
  final ColumnFamilyHandle tombstones;
  /** Users, databases, tokens and rules (the identity layer's key space). */
  final ColumnFamilyHandle system;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<ColumnFamilyHandle> handles;

  Engine(RocksStoreOptions options) throws RocksDBException {
    LRUCache cache = track(new LRUCache(options.blockCacheBytes()));
    BlockBasedTableConfig pointLookups = new BlockBasedTableConfig()
        .setBlockCache(cache)
        .setFilterPolicy(track(new BloomFilter(10)));
    BlockBasedTableConfig scans = new BlockBasedTableConfig().setBlockCache(cache);
    ColumnFamilyOptions docOptions = track(new ColumnFamilyOptions()
        .setTableFormatConfig(pointLookups).setCompressionType(CompressionType.LZ4_COMPRESSION));
    ColumnFamilyOptions scanOptions = track(new ColumnFamilyOptions()
        .setTableFormatConfig(scans).setCompressionType(CompressionType.LZ4_COMPRESSION));
    DBOptions dbOptions = track(new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(2)
        .setBytesPerSync(1 << 20));
    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, scanOptions),
        new ColumnFamilyDescriptor(bytes("documents"), docOptions),
        new ColumnFamilyDescriptor(bytes("index"), scanOptions),
        new ColumnFamilyDescriptor(bytes("changes"), scanOptions),
        new ColumnFamilyDescriptor(bytes("tombstones"), scanOptions),
        new ColumnFamilyDescriptor(bytes("system"), docOptions));
    try {
      java.nio.file.Files.createDirectories(options.directory());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create data directory " + options.directory(), e);
    }
    handles = new ArrayList<>();
    this.db = RocksDB.open(dbOptions, options.directory().toString(), descriptors, handles);
    meta = handles.get(0);
    documents = handles.get(1);
    index = handles.get(2);
    changes = handles.get(3);
    tombstones = handles.get(4);
    system = handles.get(5);
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The stored document (live or tombstone) under {@code key}, or null. */
  Document readDocument(byte[] key, DocumentPath path) throws RocksDBException {
    byte[] value = db.get(documents, key);
    return value == null ? null : DocumentCodec.decode(path, value);
  }

  /** The same, read through {@code options} (e.g. at a snapshot). */
  Document readDocument(org.rocksdb.ReadOptions options, byte[] key, DocumentPath path) throws RocksDBException {
    byte[] value = db.get(documents, options, key);
    return value == null ? null : DocumentCodec.decode(path, value);
  }

  @Override
  public void close() {
    handles.forEach(ColumnFamilyHandle::close);
    db.close(); // before the options and cache it was opened with
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception ignored) {
        // closing native handles does not fail in practice; nothing useful to do if it does
      }
    }
  }
}
