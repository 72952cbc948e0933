package io.syntrix.gateway.realtime;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Events client (reference §8): a single implicit subscription {@code default}
 * with data, every message as {@code data: <envelope>}, preceded by {@code id: <seq>} for events
 * so that a reconnecting {@code EventSource} resumes with {@code Last-Event-ID}. A comment
 * heartbeat goes out every 15 s; the stream has no write timeout.
 */
final class SseSession extends Session {
  static final String SUBSCRIPTION = "default";
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerResponse response;
  private final Vertx vertx;
  private final Subscriptions subscriptions;
  private long heartbeatTimer = -1;

  SseSession(HttpServerResponse response, Vertx vertx, Subscriptions subscriptions, int maxQueue) {
    super(vertx.getOrCreateContext(), maxQueue);
    this.response = response;
    this.vertx = vertx;
    this.subscriptions = subscriptions;
  }

  void start(long heartbeatMillis) {
    response.closeHandler(v -> onClosed());
    heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> {
      if (!isClosed()) {
        response.write(": heartbeat\n\n");
      }
    });
  }

  @Override
  void resetSnapshot(String streamerId, String clientId) {
    subscriptions.resetSnapshot(vertx, this, streamerId);
  }

  @Override
  void cutOff() {
    onClosed();
  }

  private void onClosed() {
    markClosed();
    vertx.cancelTimer(heartbeatTimer);
    subscriptions.closeAll(this);
  }

  @Override
  boolean transportFull() {
    return response.writeQueueFull();
  }

  @Override
  void transportWrite(Out out) {
    Buffer b = Buffer.buffer(out.frame().length + 32);
    if (out.seq() >= 0) {
      b.appendString("id: " + out.seq() + "\n");
    }
    b.appendBytes(DATA).appendBytes(out.frame()).appendBytes(END);
    response.write(b);
  }

  @Override
  void onTransportDrained(Runnable r) {
    response.drainHandler(v -> r.run());
  }

  @Override
  void closeTransport() {
    response.end();
  }
}
