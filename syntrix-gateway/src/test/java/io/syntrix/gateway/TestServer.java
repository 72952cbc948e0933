package io.syntrix.gateway;

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
 * The real gateway on the real embedded store, bound to a free port on 127.0.0.1, and a real
 * HTTP client to talk to it. One per test class (or test); close it to stop everything.
 */
final class TestServer implements AutoCloseable {
  final RocksDocumentStore store;
  final Vertx vertx;
  final GatewayServer gateway;
  final int port;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestServer(Path dataDir) {
    this(RocksStoreOptions.defaults(dataDir), Clock.systemUTC());
  }

  TestServer(RocksStoreOptions options, Clock clock) {
    store = RocksDocumentStore.open(options, clock);
    vertx = Vertx.vertx();
    gateway = new GatewayServer(vertx, GatewayOptions.defaults().withHost("127.0.0.1").withPort(0), store);
    port = gateway.start().toCompletionStage().toCompletableFuture().join();
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
      return ((io.syntrix.model.StringValue) object().get("code")).value();
    }
  }

  Reply send(String method, String path, String body) {
    return send(method, path, body, null);
  }

  Reply send(String method, String path, String body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", contentType == null ? "application/json" : contentType);
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
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
