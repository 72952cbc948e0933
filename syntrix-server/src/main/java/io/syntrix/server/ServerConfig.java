package io.syntrix.server;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.syntrix.gateway.realtime.RealtimeOptions;
import io.syntrix.model.InvalidInputException;
import io.syntrix.query.SortLimits;
import io.syntrix.store.rocksdb.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
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
 *   role: all              # SYNTRIX_ROLE, --role: all | gateway | streamer (gateway and streamer need postgres)
 *   linkPort: 9000         # SYNTRIX_LINK_PORT, --link-port: where a streamer serves the link
 *   streamers: []          # SYNTRIX_STREAMER, --streamer: host:port[,host:port] a gateway links to, first that answers
 *   rateLimit:
 *     enabled: true        # SYNTRIX_RATE_LIMIT=false, or --no-rate-limit
 *     perMinute: 600       # requests per client IP
 *     authPerMinute: 20    # signup/login/refresh per client IP
 *   allowedOrigins: []     # CORS and realtime origin check; empty allows any
 *   trustedProxies: []     # peers whose X-Forwarded-For is believed
 *   responseDeadlineMillis: 60000     # a streamed response (query, pull) not done by then is cut off
 * storage:
 *   dataDir: ./data        # SYNTRIX_DATA_DIR
 *   retention: P30D        # SYNTRIX_RETENTION (ISO-8601 duration)
 *   durability: periodic   # SYNTRIX_DURABILITY: periodic | each-commit
 *   engine: rocksdb        # SYNTRIX_STORE, --store: rocksdb (embedded, in dataDir) | postgres
 *   postgresUrl: ...       # SYNTRIX_POSTGRES_URL, --postgres-url: jdbc:postgresql://HOST:PORT/DB?user=U&password=P
 * identity:
 *   adminPassword: ...     # SYNTRIX_ADMIN_PASSWORD; used at first start only; generated and printed if unset
 *   signingKeyFile: ...    # PEM file of the token signing key; unset: one key for the cluster, kept in the store
 *   maxDatabasesPerUser: 10
 * realtime:                # flow control and limits of WebSocket/SSE clients (docs/design/realtime.md)
 *   maxPendingBytes: 4194304          # per connection; past it: slow_consumer
 *   maxPendingFrames: 10000
 *   maxResumeChanges: 10000           # further back, a resumeAfter gets a reset snapshot
 *   stallMillis: 30000                # bytes waiting and nothing written that long: slow_consumer
 *   maxSubscriptionsPerConnection: 100
 *   maxConnectionsPerUser: 256        # --realtime-connections-per-user; 0: no limit
 *   maxConnectionsPerIp: 1024         # --realtime-connections-per-ip; 0: no limit
 *   messagesPerSecond: 50             # inbound, per connection (burst twice that)
 *   authDeadlineMillis: 10000
 *   catchUpBytesPerSecond: 33554432   # all snapshots and replays together; 0: no limit
 * query:
 *   maxSortDocuments: 10000           # most documents a query sorts in memory; past it: 400 naming the index
 *   maxSortBytes: 67108864            # the same, in (estimated) bytes
 * </pre>
 */
record ServerConfig(String host, int port, Path dataDir, Duration retention, Durability durability,
                    boolean rateLimitEnabled, int perMinute, int authPerMinute, List<String> allowedOrigins,
                    List<String> trustedProxies, String adminPassword, Path signingKeyFile, int maxDatabasesPerUser,
                    RealtimeOptions realtime, long responseDeadlineMillis, SortLimits querySort, String storeEngine,
                    String postgresUrl, Cluster cluster) {
  static final String ROCKSDB = "rocksdb";
  static final String POSTGRES = "postgres";

  static ServerConfig defaults() {
    return new ServerConfig("0.0.0.0", 8080, Path.of("data"), Duration.ofDays(30), Durability.FSYNC_PERIODIC,
        true, 600, 20, List.of(), List.of(), null, null, 10, RealtimeOptions.defaults(), 60_000, SortLimits.DEFAULTS,
        ROCKSDB, null, Cluster.STANDALONE);
  }

  /** The YAML file's shape; absent keys keep the value below them. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  record File(Server server, Storage storage, Identity identity, Realtime realtime, Query query) {
    record Server(String host, Integer port, RateLimit rateLimit, List<String> allowedOrigins,
                  List<String> trustedProxies, Long responseDeadlineMillis, String role, Integer linkPort,
                  List<String> streamers) {}

    record Query(Integer maxSortDocuments, Long maxSortBytes) {}

    record RateLimit(Boolean enabled, Integer perMinute, Integer authPerMinute) {}

    record Storage(String dataDir, String retention, String durability, String engine, String postgresUrl) {}

    record Identity(String adminPassword, String signingKeyFile, Integer maxDatabasesPerUser) {}

    record Realtime(Long maxPendingBytes, Integer maxPendingFrames, Long maxResumeChanges, Long stallMillis,
                    Integer maxSubscriptionsPerConnection, Integer maxConnectionsPerUser, Integer maxConnectionsPerIp,
                    Integer messagesPerSecond, Long authDeadlineMillis, Long catchUpBytesPerSecond) {}
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
      File.Server s = f.server();
      c = c.with(s.host(), s.port() == null ? null : s.port().toString(), null, null, null);
      if (s.rateLimit() != null) {
        File.RateLimit r = s.rateLimit();
        c = c.withRateLimit(r.enabled() != null ? r.enabled() : c.rateLimitEnabled,
            r.perMinute() != null ? positive(r.perMinute(), "perMinute") : c.perMinute,
            r.authPerMinute() != null ? positive(r.authPerMinute(), "authPerMinute") : c.authPerMinute);
      }
      c = c.withNetwork(s.allowedOrigins() != null ? s.allowedOrigins() : c.allowedOrigins,
          s.trustedProxies() != null ? s.trustedProxies() : c.trustedProxies);
      if (s.responseDeadlineMillis() != null) {
        c = c.withResponseLimits(s.responseDeadlineMillis(), c.querySort);
      }
      Cluster cl = c.cluster.with(s.role(), s.linkPort() == null ? null : s.linkPort().toString(), null);
      c = c.withCluster(s.streamers() != null ? cl.withStreamers(s.streamers()) : cl);
    }
    if (f.query() != null) {
      File.Query q = f.query();
      try {
        c = c.withResponseLimits(c.responseDeadlineMillis, new SortLimits(
            q.maxSortDocuments() != null ? q.maxSortDocuments() : c.querySort.maxDocuments(),
            q.maxSortBytes() != null ? q.maxSortBytes() : c.querySort.maxBytes()));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("query: " + e.getMessage());
      }
    }
    if (f.storage() != null) {
      c = c.with(null, null, f.storage().dataDir(), f.storage().retention(), f.storage().durability());
      c = c.withStore(f.storage().engine(), f.storage().postgresUrl());
    }
    if (f.identity() != null) {
      File.Identity i = f.identity();
      c = c.withIdentity(i.adminPassword() != null ? i.adminPassword() : c.adminPassword,
          i.signingKeyFile() != null ? Path.of(i.signingKeyFile()) : c.signingKeyFile,
          i.maxDatabasesPerUser() != null ? i.maxDatabasesPerUser() : c.maxDatabasesPerUser);
    }
    if (f.realtime() != null) {
      c = c.withRealtime(realtime(f.realtime(), c.realtime));
    }
    return c;
  }

  private static RealtimeOptions realtime(File.Realtime r, RealtimeOptions o) {
    try {
      if (r.maxPendingBytes() != null) {
        o = o.withMaxPendingBytes(r.maxPendingBytes());
      }
      if (r.maxPendingFrames() != null) {
        o = o.withMaxPendingFrames(r.maxPendingFrames());
      }
      if (r.maxResumeChanges() != null) {
        o = o.withMaxResumeChanges(r.maxResumeChanges());
      }
      if (r.stallMillis() != null) {
        o = o.withStallMillis(r.stallMillis());
      }
      if (r.catchUpBytesPerSecond() != null) {
        o = o.withCatchUpBytesPerSecond(r.catchUpBytesPerSecond());
      }
      return o.withLimits(
          r.maxSubscriptionsPerConnection() != null ? r.maxSubscriptionsPerConnection() : o.maxSubscriptionsPerConnection(),
          r.maxConnectionsPerUser() != null ? r.maxConnectionsPerUser() : o.maxConnectionsPerUser(),
          r.maxConnectionsPerIp() != null ? r.maxConnectionsPerIp() : o.maxConnectionsPerIp(),
          r.messagesPerSecond() != null ? r.messagesPerSecond() : o.messagesPerSecond(),
          r.authDeadlineMillis() != null ? r.authDeadlineMillis() : o.authDeadlineMillis());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("realtime: " + e.getMessage());
    }
  }

  /** Per-user and per-address connection limits from flags (null keeps the current one; 0 lifts it). */
  ServerConfig withConnectionLimits(Integer perUser, Integer perIp) {
    InvalidInputException.check((perUser == null || perUser >= 0) && (perIp == null || perIp >= 0),
        "connection limits must not be negative");
    RealtimeOptions o = realtime;
    return withRealtime(o.withLimits(o.maxSubscriptionsPerConnection(), perUser != null ? perUser : o.maxConnectionsPerUser(),
        perIp != null ? perIp : o.maxConnectionsPerIp(), o.messagesPerSecond(), o.authDeadlineMillis()));
  }

  ServerConfig withRealtime(RealtimeOptions realtime) {
    return new ServerConfig(host, port, dataDir, retention, durability, rateLimitEnabled, perMinute, authPerMinute,
        allowedOrigins, trustedProxies, adminPassword, signingKeyFile, maxDatabasesPerUser, realtime, responseDeadlineMillis, querySort, storeEngine, postgresUrl, cluster);
  }

  /** How long a streamed response may take, and what a query may sort in memory. */
  ServerConfig withResponseLimits(long responseDeadlineMillis, SortLimits querySort) {
    InvalidInputException.check(responseDeadlineMillis > 0, "responseDeadlineMillis must be positive, got "
        + responseDeadlineMillis);
    return new ServerConfig(host, port, dataDir, retention, durability, rateLimitEnabled, perMinute, authPerMinute,
        allowedOrigins, trustedProxies, adminPassword, signingKeyFile, maxDatabasesPerUser, realtime,
        responseDeadlineMillis, querySort, storeEngine, postgresUrl, cluster);
  }

  private static int positive(int v, String name) {
    InvalidInputException.check(v > 0, name + " must be positive");
    return v;
  }

  ServerConfig withEnvironment(Map<String, String> env) {
    ServerConfig c = with(env.get("SYNTRIX_HOST"), env.get("SYNTRIX_PORT"), env.get("SYNTRIX_DATA_DIR"),
        env.get("SYNTRIX_RETENTION"), env.get("SYNTRIX_DURABILITY"));
    String rateLimit = env.get("SYNTRIX_RATE_LIMIT");
    if (rateLimit != null) {
      c = c.withRateLimit(!rateLimit.equalsIgnoreCase("false") && !rateLimit.equals("0"), c.perMinute, c.authPerMinute);
    }
    c = c.withStore(env.get("SYNTRIX_STORE"), env.get("SYNTRIX_POSTGRES_URL"));
    c = c.withCluster(c.cluster.with(env.get("SYNTRIX_ROLE"), env.get("SYNTRIX_LINK_PORT"), env.get("SYNTRIX_STREAMER")));
    String admin = env.get("SYNTRIX_ADMIN_PASSWORD");
    return admin != null && !admin.isEmpty() ? c.withIdentity(admin, c.signingKeyFile, c.maxDatabasesPerUser) : c;
  }

  /** Overrides the settings that are non-null, parsing and checking each. */
  ServerConfig with(String host, String port, String dataDir, String retention, String durability) {
    return new ServerConfig(
        host != null ? host : this.host,
        port != null ? parsePort(port) : this.port,
        dataDir != null ? Path.of(dataDir) : this.dataDir,
        retention != null ? parseDuration(retention) : this.retention,
        durability != null ? parseDurability(durability) : this.durability,
        rateLimitEnabled, perMinute, authPerMinute, allowedOrigins, trustedProxies, adminPassword, signingKeyFile,
        maxDatabasesPerUser, realtime, responseDeadlineMillis, querySort, storeEngine, postgresUrl, cluster);
  }

  /**
   * The store engine ({@code rocksdb}, embedded in {@code dataDir}; or {@code postgres}, at
   * {@code postgresUrl}); null keeps the current one. A URL alone chooses PostgreSQL.
   */
  ServerConfig withStore(String engine, String url) {
    String e = engine != null ? engine.trim().toLowerCase(java.util.Locale.ROOT) : (url != null ? POSTGRES : storeEngine);
    InvalidInputException.check(e.equals(ROCKSDB) || e.equals(POSTGRES),
        "store must be 'rocksdb' or 'postgres', got '" + engine + "'");
    String u = url != null ? url : postgresUrl;
    InvalidInputException.check(u == null || u.startsWith("jdbc:postgresql://"),
        "postgresUrl must be a JDBC URL such as jdbc:postgresql://HOST:PORT/DB?user=U&password=P");
    return new ServerConfig(host, port, dataDir, retention, durability, rateLimitEnabled, perMinute, authPerMinute,
        allowedOrigins, trustedProxies, adminPassword, signingKeyFile, maxDatabasesPerUser, realtime,
        responseDeadlineMillis, querySort, e, u, cluster);
  }

  ServerConfig withCluster(Cluster cluster) {
    return new ServerConfig(host, port, dataDir, retention, durability, rateLimitEnabled, perMinute, authPerMinute,
        allowedOrigins, trustedProxies, adminPassword, signingKeyFile, maxDatabasesPerUser, realtime,
        responseDeadlineMillis, querySort, storeEngine, postgresUrl, cluster);
  }

  /**
   * Checks what only the whole set of settings can tell: a gateway or a streamer needs PostgreSQL
   * (the one store several processes share), and a gateway needs a streamer to link to.
   */
  ServerConfig validated() {
    if (cluster.role() != Cluster.Role.ALL) {
      String role = cluster.role().name().toLowerCase(Locale.ROOT);
      InvalidInputException.check(storeEngine.equals(POSTGRES), "--role " + role
          + " needs --store postgres (the processes of a cluster share one PostgreSQL database), got '" + storeEngine + "'");
      InvalidInputException.check(postgresUrl != null,
          "the postgres store needs --postgres-url (SYNTRIX_POSTGRES_URL, storage.postgresUrl)");
    }
    InvalidInputException.check(cluster.role() != Cluster.Role.GATEWAY || !cluster.streamers().isEmpty(),
        "--role gateway needs --streamer host:port[,host:port] (SYNTRIX_STREAMER, server.streamers)");
    return this;
  }

  ServerConfig withRateLimit(boolean enabled, int perMinute, int authPerMinute) {
    return new ServerConfig(host, port, dataDir, retention, durability, enabled, perMinute, authPerMinute,
        allowedOrigins, trustedProxies, adminPassword, signingKeyFile, maxDatabasesPerUser, realtime, responseDeadlineMillis, querySort, storeEngine, postgresUrl, cluster);
  }

  ServerConfig withNetwork(List<String> allowedOrigins, List<String> trustedProxies) {
    return new ServerConfig(host, port, dataDir, retention, durability, rateLimitEnabled, perMinute, authPerMinute,
        List.copyOf(allowedOrigins), List.copyOf(trustedProxies), adminPassword, signingKeyFile, maxDatabasesPerUser, realtime, responseDeadlineMillis, querySort, storeEngine, postgresUrl, cluster);
  }

  ServerConfig withIdentity(String adminPassword, Path signingKeyFile, int maxDatabasesPerUser) {
    InvalidInputException.check(maxDatabasesPerUser >= 0, "maxDatabasesPerUser must not be negative");
    return new ServerConfig(host, port, dataDir, retention, durability, rateLimitEnabled, perMinute, authPerMinute,
        allowedOrigins, trustedProxies, adminPassword, signingKeyFile, maxDatabasesPerUser, realtime, responseDeadlineMillis, querySort, storeEngine, postgresUrl, cluster);
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
