package io.syntrix.gateway;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * CORS as the original does it: an allowed {@code Origin} is echoed with the allowed methods
 * and headers; every {@code OPTIONS} request is answered 204 before routing and rate limiting.
 * An empty allow-list allows any origin (tokens travel in headers, not cookies, so credentials
 * are not announced). The same list is the origin check of WebSocket and SSE upgrades.
 */
final class Cors {
  private final List<String> allowed;

  Cors(List<String> allowed) {
    this.allowed = allowed;
  }

  boolean allows(String origin) {
    return origin == null || allowed.isEmpty() || allowed.contains("*") || allowed.contains(origin);
  }

  void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && allows(origin)) {
      ctx.response()
          .putHeader("Access-Control-Allow-Origin", origin)
          .putHeader("Vary", "Origin")
          .putHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
          .putHeader("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Request-ID, Last-Event-ID")
          .putHeader("Access-Control-Expose-Headers", "X-Request-ID, Retry-After")
          .putHeader("Access-Control-Max-Age", "86400");
    }
    if (ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    ctx.next();
  }
}
