package io.syntrix.store.postgres;

import io.syntrix.model.ErrorCode;
import io.syntrix.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database's schema to the version this code was built for, at start.
 *
 * <p><b>Model.</b> Migrations are SQL resources {@code db/migration/V<n>__<what>.sql}, applied in
 * order of {@code n} (1, 2, ... without gaps); table {@code syntrix_schema} holds one row per
 * applied version. Numbering is shared by the whole engine: V1 is documents, indexes, system
 * records and usage; V2 is the change log (the sequencer's part); V3 spreads usage over shards.
 *
 * <p><b>Concurrency.</b> Everything runs in one transaction holding a transaction-level advisory
 * lock ({@link #LOCK_KEY}), so processes starting together migrate once: the others wait, then
 * find nothing to do. PostgreSQL's DDL is transactional, so a failed migration leaves the schema
 * as it was.
 *
 * <p><b>Refusals.</b> A schema newer than the code (another process was upgraded first) is refused
 * with a message saying both versions: running on it could corrupt data the newer code relies on.
 */
final class SchemaMigrator {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
  /** Advisory lock key of schema migration ("SYNT" then 1); other engine locks use other low words. */
  static final long LOCK_KEY = 0x5359_4E54_0000_0001L;
  static final String LOCATION = "db/migration";
  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  /** One migration script. */
  record Migration(int version, String description, String sql) {}

  private final List<Migration> migrations;

  SchemaMigrator(List<Migration> migrations) {
    this.migrations = List.copyOf(migrations);
    for (int i = 0; i < this.migrations.size(); i++) {
      if (this.migrations.get(i).version() != i + 1) {
        throw new IllegalStateException("schema migrations must be numbered 1, 2, ... without gaps; found "
            + this.migrations.stream().map(Migration::version).toList());
      }
    }
  }

  /** The migrations shipped on the classpath under {@link #LOCATION}. */
  static SchemaMigrator fromClasspath() {
    return new SchemaMigrator(load(SchemaMigrator.class.getClassLoader()));
  }

  int latestVersion() {
    return migrations.size();
  }

  /** Applies what is missing; returns the schema version the database is at afterwards. */
  int migrate(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
        s.execute("CREATE TABLE IF NOT EXISTS syntrix_schema (version int PRIMARY KEY, description text NOT NULL,"
            + " applied_at timestamptz NOT NULL DEFAULT now())");
        int current = currentVersion(s);
        if (current > latestVersion()) {
          throw new StoreException(ErrorCode.INTERNAL_ERROR, "the database schema is at version " + current
              + ", newer than the " + latestVersion() + " this Syntrix knows: a newer Syntrix has upgraded it;"
              + " run that version (or a newer one) against this database");
        }
        for (Migration m : migrations.subList(current, migrations.size())) {
          s.execute(m.sql());
          try (var insert = c.prepareStatement("INSERT INTO syntrix_schema (version, description) VALUES (?, ?)")) {
            insert.setInt(1, m.version());
            insert.setString(2, m.description());
            insert.executeUpdate();
          }
          log.info("applied schema migration V{} ({})", m.version(), m.description());
        }
        c.commit();
        return latestVersion();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PgErrors.translate("migrating the schema to version " + latestVersion(), e);
    }
  }

  private static int currentVersion(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM syntrix_schema")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Reads every {@code V<n>__*.sql} under {@link #LOCATION}, from a directory or a jar. */
  static List<Migration> load(ClassLoader loader) {
    URL root = loader.getResource(LOCATION);
    if (root == null) {
      throw new IllegalStateException("no schema migrations on the classpath under " + LOCATION);
    }
    try {
      URI uri = root.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return read(jar.getPath(LOCATION));
        } catch (java.nio.file.FileSystemAlreadyExistsException open) {
          return read(FileSystems.getFileSystem(uri).getPath(LOCATION)); // someone else's; theirs to close
        }
      }
      return read(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the schema migrations under " + root, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad migration location " + root, e);
    }
  }

  private static List<Migration> read(Path dir) throws IOException {
    List<Migration> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          try (InputStream in = Files.newInputStream(p)) {
            out.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '),
                new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
        }
      }
    }
    out.sort(Comparator.comparingInt(Migration::version));
    return out;
  }
}
