package io.syntrix.gateway;

import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (java.net.http) for tests: every text message lands in a queue as
 * parsed JSON; {@code paused} clients stop asking for messages, like a stalled browser tab.
 */
final class WsClient implements AutoCloseable {
  final BlockingQueue<MapValue> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private WsClient(WebSocket socket) {
    this.socket = socket;
  }

  static WsClient connect(int port, boolean reading) {
    return connect(port, reading, null);
  }

  static WsClient connect(int port, boolean reading, String origin) {
    Listener listener = new Listener(reading);
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (origin != null) {
      b.header("Origin", origin);
    }
    WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/realtime/ws"), listener).join();
    WsClient client = new WsClient(ws);
    listener.client = client;
    return client;
  }

  private static final class Listener implements WebSocket.Listener {
    private final boolean reading;
    private final StringBuilder partial = new StringBuilder();
    WsClient client;

    Listener(boolean reading) {
      this.reading = reading;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(reading ? Long.MAX_VALUE : 1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        client.messages.add((MapValue) Json.parse(partial.toString()));
        partial.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      client.closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      client.closed.complete(-1);
    }
  }

  void send(String json) {
    socket.sendText(json, true).join();
  }

  void auth(String token, String database) {
    send("{\"id\":\"auth-init\",\"type\":\"auth\",\"payload\":{\"token\":\"" + token + "\",\"database\":\"" + database + "\"}}");
  }

  void subscribe(String id, String collection, String filters, boolean snapshot, Long resumeAfter) {
    send("{\"id\":\"" + id + "\",\"type\":\"subscribe\",\"payload\":{\"query\":{\"collection\":\"" + collection
        + "\",\"filters\":" + (filters == null ? "[]" : filters) + "},\"includeData\":true,\"sendSnapshot\":" + snapshot
        + (resumeAfter == null ? "" : ",\"resumeAfter\":" + resumeAfter) + "}}");
  }

  /** The next message, skipping heartbeats; fails after the timeout. */
  MapValue next() {
    return next(10, TimeUnit.SECONDS);
  }

  MapValue next(long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      try {
        MapValue m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (m == null) {
          throw new AssertionError("no message within " + timeout + " " + unit);
        }
        if (!"heartbeat".equals(type(m))) {
          return m;
        }
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** The next message, which must be of {@code type}. */
  MapValue expect(String type) {
    MapValue m = next();
    if (!type.equals(type(m))) {
      throw new AssertionError("expected " + type + " but got " + Json.toString(m));
    }
    return m;
  }

  /** Whatever arrives within {@code millis}, heartbeats aside. */
  List<MapValue> drain(long millis) {
    List<MapValue> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      try {
        MapValue m = messages.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        if (m != null && !"heartbeat".equals(type(m))) {
          out.add(m);
        }
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  static String type(MapValue m) {
    return ((StringValue) m.get("type")).value();
  }

  static MapValue payload(MapValue m) {
    return (MapValue) m.get("payload");
  }

  static MapValue delta(MapValue event) {
    return (MapValue) payload(event).get("delta");
  }

  static long seq(MapValue event) {
    return ((io.syntrix.model.IntegerValue) payload(event).get("seq")).value();
  }

  /** A paused client starts reading again. */
  void resume() {
    socket.request(Long.MAX_VALUE);
  }

  /** Drops the TCP connection without a close handshake, as a vanishing client does. */
  void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    socket.abort();
  }
}
