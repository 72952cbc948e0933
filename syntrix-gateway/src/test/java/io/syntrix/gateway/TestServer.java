package io.syntrix.gateway;

import io.syntrix.identity.IdentityServices;
import io.syntrix.identity.PasswordHasher;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
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

/**
 * The real gateway on the real embedded store with real identity, bound to a free port on
 * 127.0.0.1, and a real HTTP client to talk to it. At start it signs up the user {@code tester}
 * whose token every request carries unless told otherwise; the admin is {@code syntrix} with
 * {@link #ADMIN_PASSWORD}. Password hashing is made cheap so tests stay fast; rate limits are off
 * unless the options say otherwise.
 */
final class TestServer implements AutoCloseable {
  static final String ADMIN_PASSWORD = "Admin-Password-1";
  static final String PASSWORD = "Tester-Password-1";
  final RocksDocumentStore store;
  final IdentityServices identity;
  final io.syntrix.streamer.InProcessStreamer streamer;
  final Vertx vertx;
  final GatewayServer gateway;
  final int port;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The token requests carry by default (null: anonymous). */
  String token;

  TestServer(Path dataDir) {
    this(RocksStoreOptions.defaults(dataDir), Clock.systemUTC(), GatewayOptions.defaults().withRateLimit(
        GatewayOptions.RateLimit.off()));
  }

  TestServer(RocksStoreOptions options, Clock clock) {
    this(options, clock, GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off()));
  }

  TestServer(RocksStoreOptions options, Clock clock, GatewayOptions gatewayOptions) {
    this(options, IdentityServices.Options.defaults(options.directory()).withAdminPassword(ADMIN_PASSWORD)
        .withHasher(new PasswordHasher(1024, 1, 1)), clock, gatewayOptions);
  }

  TestServer(RocksStoreOptions options, IdentityServices.Options identityOptions, Clock clock,
             GatewayOptions gatewayOptions) {
    store = RocksDocumentStore.open(options, clock);
    identity = IdentityServices.start(store, identityOptions);
    streamer = io.syntrix.streamer.InProcessStreamer.start(store.changeLog(), io.syntrix.streamer.StreamerOptions.defaults());
    vertx = Vertx.vertx();
    gateway = new GatewayServer(vertx, gatewayOptions.withHost("127.0.0.1").withPort(0), store, identity, streamer);
    port = gateway.start().toCompletionStage().toCompletableFuture().join();
    token = identity.auth().userByName("tester").isPresent()
        ? ((io.syntrix.model.StringValue) login("tester", PASSWORD).get("access_token")).value() // a reopened data dir
        : signup("tester", PASSWORD);
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

  /** {@code /api/v1/databases/{db}/documents/{path}}. */
  static String docs(String db, String path) {
    return "/api/v1/databases/" + db + "/documents/" + path;
  }

  @Override
  public void close() {
    gateway.shutdown(1).toCompletionStage().toCompletableFuture().join();
    streamer.close();
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
