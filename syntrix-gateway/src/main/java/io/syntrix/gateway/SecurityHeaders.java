package io.syntrix.gateway;

import io.vertx.ext.web.RoutingContext;

/** The security headers the original server puts on every response. */
final class SecurityHeaders {
  private SecurityHeaders() {}

  static void add(RoutingContext ctx) {
    ctx.response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "strict-origin-when-cross-origin")
        .putHeader("Content-Security-Policy", "default-src 'self'");
    ctx.next();
  }
}
