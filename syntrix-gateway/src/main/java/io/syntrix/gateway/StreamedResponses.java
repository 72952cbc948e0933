package io.syntrix.gateway;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a streamed response body on one worker task through a {@link ResponseStream} and answers
 * whatever stops it. A failure before any byte went out is an ordinary error response (a
 * refused query is a 400; a body that missed its deadline before its first chunk is a 503). A
 * failure after that cannot change the status line any more: the stream closes the connection
 * without the terminating chunk, which every HTTP client reports as an incomplete body.
 */
final class StreamedResponses {
  private static final Logger log = LoggerFactory.getLogger(StreamedResponses.class);

  /** Writes a body; runs on the worker. Returning normally means the body is complete. */
  interface Body {
    void writeTo(ResponseStream out) throws IOException;
  }

  private final long deadlineMillis;
  private final GatewayMetrics metrics;

  StreamedResponses(long deadlineMillis, GatewayMetrics metrics) {
    this.deadlineMillis = deadlineMillis;
    this.metrics = metrics;
  }

  /** Called on the event loop once the request is authorized; the deadline starts when the worker does. */
  void send(RoutingContext ctx, String contentType, Body body) {
    ctx.vertx().executeBlocking(() -> {
      try (ResponseStream out = new ResponseStream(ctx.response(), contentType, deadlineMillis, metrics)) {
        body.writeTo(out);
        out.finish();
      }
      return null;
    }, false).onFailure(failure -> answer(ctx, failure));
  }

  private static void answer(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ResponseStream.Cut cut) {
      if (!cut.started && cut.reason == ResponseStream.Reason.DEADLINE) {
        ctx.fail(new SyntrixException(ErrorCode.UNAVAILABLE, cut.getMessage()));
      } else {
        log.debug("{} {} (id {}) cut off: {}", ctx.request().method(), ctx.request().path(), RequestIds.of(ctx),
            cut.getMessage());
        if (!cut.started) {
          ctx.response().reset(); // the client is gone or stuck: nothing is owed, only the connection to free
        }
      }
      return;
    }
    ctx.fail(failure); // after bytes went out ApiErrors only resets what the stream already closed
  }
}
