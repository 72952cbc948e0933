package io.syntrix.store;

import io.syntrix.model.MapValue;
import java.util.List;
import java.util.Optional;

/**
 * Small, durable key-value records for the server's own data (users, logical databases, refresh
 * tokens, rules), kept apart from documents: they never enter the change log, queries or
 * replication. Each record carries a version; every write is a compare-and-set on it, which is
 * what makes single-use refresh tokens and concurrent admin edits safe.
 *
 * <p>Low volume by design: writes are fsynced one by one. Thread-safe.
 */
public interface SystemStore {
  /** A record and its version (1 on first write, +1 on each replacement). */
  record Versioned(String key, MapValue value, long version) {}

  Optional<Versioned> get(String namespace, String key);

  /**
   * Writes {@code value} if the record's current version is {@code expectedVersion} (0: the
   * record must not exist). Returns the new version, or -1 when the version did not match.
   */
  long compareAndPut(String namespace, String key, long expectedVersion, MapValue value);

  /** Deletes the record if its version is {@code expectedVersion}; false when it did not match. */
  boolean compareAndDelete(String namespace, String key, long expectedVersion);

  /** Up to {@code limit} records of a namespace in key order, strictly after {@code afterKey} (null: from the start). */
  List<Versioned> scan(String namespace, String afterKey, int limit);
}
