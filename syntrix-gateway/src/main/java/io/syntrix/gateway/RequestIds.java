package io.syntrix.gateway;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code X-Request-ID}: echoed when the client sends a sane one, generated otherwise, put on
 * every response and in error logs.
 */
final class RequestIds {
  static final String HEADER = "X-Request-ID";
  private static final String KEY = "syntrix.requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestIds() {}

  static void assign(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }
}
