package io.syntrix.gateway.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Events client (reference §8): a single implicit subscription {@code default}
 * with data, every message as {@code data: <envelope>}, preceded by {@code id: <seq>} for events
 * so that a reconnecting {@code EventSource} resumes with {@code Last-Event-ID}. A comment
 * heartbeat goes out every 15 s. Flow control and limits are those of every {@link Connection}.
 */
final class SseConnection extends Connection {
  static final String SUBSCRIPTION = "default";
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerResponse response;
  private final Vertx vertx;
  private long heartbeatTimer = -1;
  private boolean transportClosed; // event loop

  SseConnection(HttpServerResponse response, Vertx vertx, CatchUps catchUps, RealtimeOptions options,
                RealtimeMetrics metrics) {
    super(vertx.getOrCreateContext(), options, metrics, catchUps);
    this.response = response;
    this.vertx = vertx;
  }

  void start(long heartbeatMillis) {
    onRelease(c -> vertx.cancelTimer(heartbeatTimer));
    response.closeHandler(v -> {
      transportClosed = true;
      release();
    });
    heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> {
      if (!isClosed()) {
        outbox.offer(new OutFrame(HEARTBEAT, null, OutFrame.COMMENT)); // a comment, not a data message; dropped when full
      }
    });
  }

  @Override
  Future<Void> write(OutFrame frame) {
    if (frame.seq() == OutFrame.COMMENT) {
      return response.write(BufferInternal.buffer(Unpooled.wrappedBuffer(frame.head())));
    }
    ByteBuf prefix = frame.seq() >= 0
        ? Unpooled.wrappedBuffer(("id: " + frame.seq() + "\n").getBytes(StandardCharsets.US_ASCII), DATA)
        : Unpooled.wrappedBuffer(DATA);
    return response.write(BufferInternal.buffer(Unpooled.wrappedBuffer(prefix, frame.content(),
        Unpooled.wrappedBuffer(END))));
  }

  @Override
  void closeTransport(short code, String reason) {
    if (!response.ended()) {
      response.end();
    }
    vertx.setTimer(5_000, t -> abortTransport());
  }

  @Override
  void abortTransport() {
    if (!transportClosed) {
      response.reset();
    }
  }
}
