package io.syntrix.gateway;

import io.syntrix.identity.IdentityServices;
import io.syntrix.identity.PasswordHasher;
import io.syntrix.model.ChangeEvent;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import io.syntrix.store.DocumentStore;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The real gateway on a real store with real identity, bound to a free port on 127.0.0.1, and a
 * real HTTP client to talk to it. The store is RocksDB or PostgreSQL, whichever the test JVM runs
 * on ({@link TestStorage}); tests see it through the SPI. At start it signs up the user
 * {@code tester} whose token every request carries unless told otherwise; the admin is
 * {@code syntrix} with {@link #ADMIN_PASSWORD}. Password hashing is made cheap so tests stay fast;
 * rate limits are off unless the options say otherwise.
 *
 * <p>A server owns its storage: closing it drops the data (PostgreSQL's database; RocksDB's files
 * go with the test's directory). {@link #restart} starts a new server on the same data.
 */
final class TestServer implements AutoCloseable {
  static final String ADMIN_PASSWORD = "Admin-Password-1";
  static final String PASSWORD = "Tester-Password-1";
  private final TestStorage storage;
  final DocumentStore store;
  final IdentityServices identity;
  final io.syntrix.streamer.InProcessStreamer streamer;
  final Vertx vertx;
  final GatewayServer gateway;
  final int port;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Settings settings;
  /** False for a {@link #peer}: the storage is closed by the server it shares. */
  private final boolean ownsStorage;
  /** The token requests carry by default (null: anonymous). */
  String token;

  /**
   * What a server starts with: the store's clock (RocksDB's; PostgreSQL's writers read the system
   * clock) and write queue capacity (0: the engine's default), identity's and the gateway's options.
   */
  private record Settings(Clock clock, int writeQueueCapacity, IdentityServices.Options identity,
                          GatewayOptions gateway) {}

  TestServer(Path dataDir) {
    this(dataDir, Clock.systemUTC());
  }

  TestServer(Path dataDir, Clock clock) {
    this(dataDir, clock, GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off()));
  }

  TestServer(Path dataDir, Clock clock, GatewayOptions gatewayOptions) {
    this(dataDir, identityOptions(dataDir), clock, gatewayOptions);
  }

  TestServer(Path dataDir, IdentityServices.Options identityOptions, Clock clock, GatewayOptions gatewayOptions) {
    this(TestStorage.create(dataDir), new Settings(clock, 0, identityOptions, gatewayOptions));
  }

  /** A server whose store refuses writes past {@code capacity} waiting ones. */
  static TestServer withWriteQueueCapacity(Path dataDir, int capacity) {
    return new TestServer(TestStorage.create(dataDir), new Settings(Clock.systemUTC(), capacity,
        identityOptions(dataDir), GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off())));
  }

  private static IdentityServices.Options identityOptions(Path dataDir) {
    return IdentityServices.Options.defaults(dataDir).withAdminPassword(ADMIN_PASSWORD)
        .withHasher(new PasswordHasher(1024, 1, 1));
  }

  private TestServer(TestStorage storage, Settings settings) {
    this(storage, settings, true);
  }

  private TestServer(TestStorage storage, Settings settings, boolean ownsStorage) {
    this.storage = storage;
    this.settings = settings;
    this.ownsStorage = ownsStorage;
    store = storage.open(settings.clock(), settings.writeQueueCapacity());
    identity = IdentityServices.start(store, settings.identity());
    streamer = io.syntrix.streamer.InProcessStreamer.start(store.changeLog(), io.syntrix.streamer.StreamerOptions.defaults());
    vertx = Vertx.vertx();
    gateway = new GatewayServer(vertx, settings.gateway().withHost("127.0.0.1").withPort(0), store, identity, streamer);
    port = gateway.start().toCompletionStage().toCompletableFuture().join();
    token = identity.auth().userByName("tester").isPresent()
        ? ((io.syntrix.model.StringValue) login("tester", PASSWORD).get("access_token")).value() // a restart
        : signup("tester", PASSWORD);
  }

  /**
   * Another gateway on this server's storage, as a second process of a cluster would be: its own
   * store (pool), identity, streamer and port, and its own data directory {@code dataDir}. Only
   * PostgreSQL can be shared; closing the peer leaves the storage to this server.
   */
  TestServer peer(Path dataDir) {
    return new TestServer(storage, new Settings(settings.clock(), settings.writeQueueCapacity(),
        identityOptions(dataDir), settings.gateway()), false);
  }

  /** Stops this server, keeping its data, and starts a new one like it on that data. */
  TestServer restart() {
    stop();
    return new TestServer(storage, settings, ownsStorage);
  }

  /** Runs the store's retention now: what the retention period lets go is purged. */
  void purgeExpired() {
    TestStorage.purgeExpired(store);
  }

  /** What a full consistency check of the store finds: nothing when all is well. */
  List<String> integrityProblems() {
    return storage.integrityProblems(store);
  }

  /** Holds the store's writing into the database {@code slug} still until closed ({@link TestStorage#holdWrites}). */
  AutoCloseable holdWrites(String slug) throws Exception {
    return storage.holdWrites(store, identity.databases().find(slug).orElseThrow().id());
  }

  /** Signs up a user and returns its access token. */
  String signup(String username, String password) {
    Reply r = send("POST", "/auth/v1/signup", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
        null, null);
    if (r.status() != 200) {
      throw new IllegalStateException("signup of " + username + " failed: " + r.status() + " " + r.body());
    }
    return r.string("access_token");
  }

  /** Logs in and returns the whole token pair. */
  MapValue login(String username, String password) {
    Reply r = send("POST", "/auth/v1/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
        null, null);
    if (r.status() != 200) {
      throw new IllegalStateException("login of " + username + " failed: " + r.status() + " " + r.body());
    }
    return r.object();
  }

  String adminToken() {
    return ((io.syntrix.model.StringValue) login("syntrix", ADMIN_PASSWORD).get("access_token")).value();
  }

  /** Creates a database with this slug as the current user (who then owns it). */
  void createDatabase(String slug) {
    Reply r = post("/api/v1/databases", "{\"display_name\":\"" + slug + "\",\"slug\":\"" + slug + "\"}");
    if (r.status() != 201) {
      throw new IllegalStateException("creating database " + slug + " failed: " + r.status() + " " + r.body());
    }
  }

  /** A response: status, raw body, and the body parsed as JSON when it is JSON. */
  record Reply(int status, String body, java.net.http.HttpHeaders headers) {
    Value json() {
      return Json.parse(body);
    }

    MapValue object() {
      return (MapValue) json();
    }

    String errorCode() {
      return string("code");
    }

    String string(String key) {
      return ((io.syntrix.model.StringValue) object().get(key)).value();
    }
  }

  Reply send(String method, String path, String body) {
    return send(method, path, body, null, token);
  }

  Reply send(String method, String path, String body, String contentType, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", contentType == null ? "application/json" : contentType);
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Reply get(String path) {
    return send("GET", path, null);
  }

  Reply post(String path, String body) {
    return send("POST", path, body);
  }

  Reply put(String path, String body) {
    return send("PUT", path, body);
  }

  Reply patch(String path, String body) {
    return send("PATCH", path, body);
  }

  Reply delete(String path, String body) {
    return send("DELETE", path, body);
  }

  /**
   * The document ids of {@code writes} in the order they were committed (by seq), once all have
   * completed. Writes submitted together commit in submission order on RocksDB (one committer),
   * but not on PostgreSQL (several writer threads): events and pages come in this order.
   */
  static List<String> idsInSeqOrder(List<CompletableFuture<ChangeEvent>> writes) {
    return writes.stream().map(CompletableFuture::join).sorted(Comparator.comparingLong(ChangeEvent::seq))
        .map(e -> e.path().id()).toList();
  }

  /** {@code /api/v1/databases/{db}/documents/{path}}. */
  static String docs(String db, String path) {
    return "/api/v1/databases/" + db + "/documents/" + path;
  }

  /** Closes the server and drops its data. */
  @Override
  public void close() {
    try {
      stop();
    } finally {
      if (ownsStorage) {
        storage.close();
      }
    }
  }

  private void stop() {
    gateway.shutdown(1).toCompletionStage().toCompletableFuture().join();
    streamer.close();
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
