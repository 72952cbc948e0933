package io.syntrix.store.postgres;

import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.SystemStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * System records in table {@code system_records}. Each operation is one autocommitted statement,
 * and each compare-and-set is a single conditional {@code INSERT ... ON CONFLICT DO NOTHING},
 * {@code UPDATE ... WHERE version = ?} or {@code DELETE ... WHERE version = ?}: PostgreSQL's row
 * locking lets exactly one of any number of concurrent swaps (in any process) see the expected
 * version. Namespaces and keys are stored escaped ({@link PgText}). Thread-safe.
 */
final class PostgresSystemStore implements SystemStore {
  private final DataSource pool;

  PostgresSystemStore(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public Optional<Versioned> get(String namespace, String key) {
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT value, version FROM system_records"
             + " WHERE namespace = ? AND key = ?")) {
      s.setString(1, PgText.escape(namespace));
      s.setString(2, PgText.escape(key));
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Versioned(key, parse(rs.getString(1)), rs.getLong(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw PgErrors.translate("reading system record " + namespace + "/" + key, e);
    }
  }

  @Override
  public long compareAndPut(String namespace, String key, long expectedVersion, MapValue value) {
    String sql = expectedVersion == 0
        ? "INSERT INTO system_records (namespace, key, version, value) VALUES (?, ?, 1, ?::json)"
            + " ON CONFLICT DO NOTHING RETURNING version"
        : "UPDATE system_records SET version = version + 1, value = ?::json"
            + " WHERE namespace = ? AND key = ? AND version = ? RETURNING version";
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      String json = Json.toString(value);
      if (expectedVersion == 0) {
        s.setString(1, PgText.escape(namespace));
        s.setString(2, PgText.escape(key));
        s.setString(3, json);
      } else {
        s.setString(1, json);
        s.setString(2, PgText.escape(namespace));
        s.setString(3, PgText.escape(key));
        s.setLong(4, expectedVersion);
      }
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    } catch (SQLException e) {
      throw PgErrors.translate("writing system record " + namespace + "/" + key + " at version " + expectedVersion, e);
    }
  }

  @Override
  public boolean compareAndDelete(String namespace, String key, long expectedVersion) {
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("DELETE FROM system_records"
             + " WHERE namespace = ? AND key = ? AND version = ?")) {
      s.setString(1, PgText.escape(namespace));
      s.setString(2, PgText.escape(key));
      s.setLong(3, expectedVersion);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw PgErrors.translate("deleting system record " + namespace + "/" + key + " at version " + expectedVersion, e);
    }
  }

  @Override
  public List<Versioned> scan(String namespace, String afterKey, int limit) {
    String sql = "SELECT key, value, version FROM system_records WHERE namespace = ?"
        + (afterKey == null ? "" : " AND key > ?") + " ORDER BY key LIMIT ?";
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      int i = 1;
      s.setString(i++, PgText.escape(namespace));
      if (afterKey != null) {
        s.setString(i++, PgText.escape(afterKey));
      }
      s.setInt(i, limit);
      List<Versioned> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(new Versioned(PgText.unescape(rs.getString(1)), parse(rs.getString(2)), rs.getLong(3)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw PgErrors.translate("scanning system records of " + namespace, e);
    }
  }

  private static MapValue parse(String json) {
    return (MapValue) Json.parse(json);
  }
}
