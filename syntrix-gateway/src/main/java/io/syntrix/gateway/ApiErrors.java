package io.syntrix.gateway;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single error funnel of the HTTP API: every failure, whether thrown by a handler, raised by
 * Vert.x (404, 405, 413) or unexpected, leaves as {@code {"code","message"}} JSON with the
 * status of its {@link ErrorCode}. Unexpected failures are logged with the request id and
 * reported as a 500 without internals.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  /** Context key: seconds a rate-limited client should wait. */
  static final String RETRY_AFTER = "syntrix.retryAfter";

  private ApiErrors() {}

  static void send(RoutingContext ctx, ErrorCode code, String message) {
    send(ctx, code, message, null);
  }

  static void send(RoutingContext ctx, ErrorCode code, String message, io.syntrix.model.Value errors) {
    if (ctx.response().headWritten()) {
      // A streamed response already started: the only honest signal left is to cut it short.
      ctx.response().reset();
      return;
    }
    MapValue.Builder body = MapValue.builder()
        .put("code", new StringValue(code.wireCode()))
        .put("message", new StringValue(message));
    if (errors != null) {
      body.put("errors", errors);
    }
    if (code == ErrorCode.RATE_LIMITED && ctx.get(RETRY_AFTER) != null) {
      ctx.response().putHeader("Retry-After", ctx.<Object>get(RETRY_AFTER).toString());
    }
    if (code == ErrorCode.UNAVAILABLE) {
      ctx.response().putHeader("Retry-After", "1"); // saturation or a restart: both pass within seconds
    }
    if (code == ErrorCode.UNAUTHORIZED) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    Responses.json(ctx, code.httpStatus(), body.build());
  }

  /** Failure handler for the router: maps whatever failed the context. */
  static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null) {
      failure = failure.getCause();
    }
    if (failure instanceof SyntrixException e) {
      send(ctx, e.code(), e.getMessage(), e.details());
      return;
    }
    int status = ctx.statusCode();
    if (failure == null || status == 413 || status == 404 || status == 405 || (status >= 400 && status < 500)) {
      sendStatus(ctx, status < 0 ? 500 : status);
      return;
    }
    log.error("request {} {} (id {}) failed", ctx.request().method(), ctx.request().path(), RequestIds.of(ctx), failure);
    send(ctx, ErrorCode.INTERNAL_ERROR, "internal error (request id " + RequestIds.of(ctx) + ")");
  }

  /** Answers a bare status Vert.x decided on (no route, wrong method, body too large). */
  static void sendStatus(RoutingContext ctx, int status) {
    switch (status) {
      case 404 -> send(ctx, ErrorCode.NOT_FOUND, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path());
      case 405 -> send(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " + ctx.request().path());
      case 413 -> send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than this endpoint accepts");
      case 400 -> send(ctx, ErrorCode.BAD_REQUEST, "bad request");
      default -> {
        if (status >= 500) {
          log.error("request {} {} (id {}) failed with status {}", ctx.request().method(), ctx.request().path(),
              RequestIds.of(ctx), status);
          send(ctx, ErrorCode.INTERNAL_ERROR, "internal error (request id " + RequestIds.of(ctx) + ")");
        } else {
          send(ctx, ErrorCode.BAD_REQUEST, "request refused with status " + status);
        }
      }
    }
  }
}
