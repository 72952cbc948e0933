package io.syntrix.server;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.syntrix.model.InvalidInputException;
import io.syntrix.store.rocksdb.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The server's settings, from lowest to highest precedence: built-in defaults, the YAML file
 * given with {@code --config}, environment variables ({@code SYNTRIX_*}), command-line flags.
 *
 * <pre>
 * server:
 *   host: 0.0.0.0          # SYNTRIX_HOST
 *   port: 8080             # SYNTRIX_PORT
 * storage:
 *   dataDir: ./data        # SYNTRIX_DATA_DIR
 *   retention: P30D        # SYNTRIX_RETENTION (ISO-8601 duration)
 *   durability: periodic   # SYNTRIX_DURABILITY: periodic | each-commit
 * </pre>
 */
record ServerConfig(String host, int port, Path dataDir, Duration retention, Durability durability) {
  static ServerConfig defaults() {
    return new ServerConfig("0.0.0.0", 8080, Path.of("data"), Duration.ofDays(30), Durability.FSYNC_PERIODIC);
  }

  /** The YAML file's shape; absent keys keep the value below them. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  record File(Server server, Storage storage) {
    record Server(String host, Integer port) {}

    record Storage(String dataDir, String retention, String durability) {}
  }

  ServerConfig withFile(Path file) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    File f;
    try {
      f = yaml.readValue(Files.readAllBytes(file), File.class);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read config file " + file + ": " + e.getMessage());
    }
    ServerConfig c = this;
    if (f == null) {
      return c;
    }
    if (f.server() != null) {
      c = c.with(f.server().host(), f.server().port() == null ? null : f.server().port().toString(), null, null, null);
    }
    if (f.storage() != null) {
      c = c.with(null, null, f.storage().dataDir(), f.storage().retention(), f.storage().durability());
    }
    return c;
  }

  ServerConfig withEnvironment(Map<String, String> env) {
    return with(env.get("SYNTRIX_HOST"), env.get("SYNTRIX_PORT"), env.get("SYNTRIX_DATA_DIR"),
        env.get("SYNTRIX_RETENTION"), env.get("SYNTRIX_DURABILITY"));
  }

  /** Overrides the settings that are non-null, parsing and checking each. */
  ServerConfig with(String host, String port, String dataDir, String retention, String durability) {
    return new ServerConfig(
        host != null ? host : this.host,
        port != null ? parsePort(port) : this.port,
        dataDir != null ? Path.of(dataDir) : this.dataDir,
        retention != null ? parseDuration(retention) : this.retention,
        durability != null ? parseDurability(durability) : this.durability);
  }

  private static int parsePort(String s) {
    try {
      int port = Integer.parseInt(s.trim());
      InvalidInputException.check(port >= 0 && port <= 65535, "port must be 0..65535, got " + s);
      return port;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("port must be a number, got '" + s + "'");
    }
  }

  private static Duration parseDuration(String s) {
    try {
      Duration d = Duration.parse(s.trim());
      InvalidInputException.check(!d.isNegative() && !d.isZero(), "retention must be positive, got " + s);
      return d;
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("retention must be an ISO-8601 duration such as P30D, got '" + s + "'");
    }
  }

  private static Durability parseDurability(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "periodic", "fsync-periodic" -> Durability.FSYNC_PERIODIC;
      case "each-commit", "fsync-each-commit" -> Durability.FSYNC_EACH_COMMIT;
      default -> throw new InvalidInputException("durability must be 'periodic' or 'each-commit', got '" + s + "'");
    };
  }
}
