package io.syntrix.gateway;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The client's IP for rate limiting and logs: the TCP peer, unless that peer is a configured
 * trusted proxy, in which case the first {@code X-Forwarded-For} entry. A client that talks to
 * the server directly cannot choose its own address by sending the header.
 */
final class ClientAddress {
  private final List<String> trustedProxies;

  ClientAddress(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  String of(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    if (!trustedProxies.contains(peer)) {
      return peer;
    }
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded == null || forwarded.isBlank()) {
      return peer;
    }
    int comma = forwarded.indexOf(',');
    return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
  }
}
