package io.syntrix.gateway;

import io.syntrix.identity.AuthService;
import io.syntrix.identity.Principal;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code Authorization: Bearer <access token>} when present and puts the verified
 * {@link Principal} on the request; a present but invalid header is a 401 right away (as the
 * original does), an absent one leaves the request anonymous for the rules to judge. Tokens in
 * the query string are not accepted anywhere.
 */
final class Authenticator {
  static final String PRINCIPAL = "syntrix.principal";
  private final AuthService auth;

  Authenticator(AuthService auth) {
    this.auth = auth;
  }

  void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      ctx.next();
      return;
    }
    if (!header.startsWith("Bearer ") || header.length() <= 7 || header.indexOf(' ', 7) >= 0) {
      ctx.fail(new SyntrixException(ErrorCode.UNAUTHORIZED, "unauthorized: invalid authorization header format"));
      return;
    }
    String token = header.substring(7);
    // Verification reads the user record (disabled? revoked?) — a point lookup, fine on the event loop.
    try {
      ctx.put(PRINCIPAL, auth.authenticate(token));
    } catch (SyntrixException e) {
      ctx.fail(e);
      return;
    }
    ctx.next();
  }

  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** The caller, or a 401 when the endpoint needs one and there is none. */
  static Principal required(RoutingContext ctx) {
    Principal p = principal(ctx);
    if (p == null) {
      throw new SyntrixException(ErrorCode.UNAUTHORIZED, "unauthorized: Authorization header required");
    }
    return p;
  }

  static Principal admin(RoutingContext ctx) {
    Principal p = required(ctx);
    if (!p.isAdmin()) {
      throw new SyntrixException(ErrorCode.FORBIDDEN, "Admin access required");
    }
    return p;
  }
}
