package io.syntrix.store.rocksdb;

import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.StoreException;
import io.syntrix.store.SystemStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * {@link SystemStore} on the {@code system} column family: key {@code namespace 00 key}, value
 * {@code [version 8 bytes][record as JSON]}. Compare-and-set runs under one lock (these records
 * are few and rarely written) and each write is fsynced before it returns.
 */
final class RocksSystemStore implements SystemStore {
  private final Engine engine;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final WriteOptions durable = new WriteOptions().setSync(true);

  RocksSystemStore(Engine engine) {
    this.engine = engine;
  }

  private static byte[] key(String namespace, String key) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(namespace.length() + key.length() + 1);
    out.writeBytes(namespace.getBytes(StandardCharsets.UTF_8));
    out.write(0);
    out.writeBytes(key.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static Versioned decode(String key, byte[] value) {
    return new Versioned(key, Json.parseObject(Arrays.copyOfRange(value, 8, value.length)), Keys.readLong(value, 0));
  }

  @Override
  public Optional<Versioned> get(String namespace, String key) {
    try {
      byte[] value = engine.db.get(engine.system, key(namespace, key));
      return value == null ? Optional.empty() : Optional.of(decode(key, value));
    } catch (RocksDBException e) {
      throw StoreException.unavailable("cannot read system record " + namespace + "/" + key, e);
    }
  }

  @Override
  public long compareAndPut(String namespace, String key, long expectedVersion, MapValue value) {
    byte[] k = key(namespace, key);
    writeLock.lock();
    try {
      long current = currentVersion(k);
      if (current != expectedVersion) {
        return -1;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      out.writeBytes(Keys.longBytes(current + 1, new byte[8], 0));
      Json.writeTo(value, out);
      engine.db.put(engine.system, durable, k, out.toByteArray());
      return current + 1;
    } catch (RocksDBException e) {
      throw StoreException.unavailable("cannot write system record " + namespace + "/" + key, e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public boolean compareAndDelete(String namespace, String key, long expectedVersion) {
    byte[] k = key(namespace, key);
    writeLock.lock();
    try {
      if (currentVersion(k) != expectedVersion || expectedVersion == 0) {
        return false;
      }
      engine.db.delete(engine.system, durable, k);
      return true;
    } catch (RocksDBException e) {
      throw StoreException.unavailable("cannot delete system record " + namespace + "/" + key, e);
    } finally {
      writeLock.unlock();
    }
  }

  private long currentVersion(byte[] k) throws RocksDBException {
    byte[] value = engine.db.get(engine.system, k);
    return value == null ? 0 : Keys.readLong(value, 0);
  }

  @Override
  public List<Versioned> scan(String namespace, String afterKey, int limit) {
    byte[] prefix = key(namespace, "");
    List<Versioned> out = new ArrayList<>();
    try (RocksIterator it = engine.db.newIterator(engine.system)) {
      if (afterKey == null) {
        it.seek(prefix);
      } else {
        it.seek(Keys.append(key(namespace, afterKey), (byte) 0));
      }
      for (; it.isValid() && out.size() < limit; it.next()) {
        byte[] k = it.key();
        if (!Keys.startsWith(k, prefix)) {
          break;
        }
        out.add(decode(new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8), it.value()));
      }
    }
    return out;
  }

  void close() {
    durable.close();
  }
}
