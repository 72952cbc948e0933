package io.syntrix.gateway;

import io.syntrix.model.Json;
import io.syntrix.model.Value;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;

/** Writing JSON responses: compact JSON followed by a newline, as the original server sends. */
final class Responses {
  static final String JSON = "application/json";

  private Responses() {}

  static void json(RoutingContext ctx, int status, Value body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(Buffer.buffer(bytes(body)));
  }

  static byte[] bytes(Value body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    Json.writeTo(body, out);
    out.write('\n');
    return out.toByteArray();
  }

  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }
}
