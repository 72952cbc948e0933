package io.syntrix.gateway;

import io.syntrix.identity.AuthService;
import io.syntrix.model.MapValue;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /auth/v1/signup|login|refresh|logout} with the reference's shapes: credentials in,
 * {@code {access_token, refresh_token, expires_in}} out. Password hashing is deliberately slow,
 * so every call runs on a worker.
 */
final class AuthApi {
  private static final Set<String> CREDENTIALS = Set.of("username", "password");
  private static final Set<String> REFRESH = Set.of("refresh_token");
  private final AuthService auth;
  private final ClientAddress clients;

  AuthApi(AuthService auth, ClientAddress clients) {
    this.auth = auth;
    this.clients = clients;
  }

  void mount(Router router) {
    router.post("/auth/v1/signup").handler(Handlers.named("auth.signup", ctx -> credentials(ctx,
        b -> auth.signup(Bodies.optionalString(b, "username"), Bodies.optionalString(b, "password")).toValue())));
    router.post("/auth/v1/login").handler(Handlers.named("auth.login", ctx -> {
      String address = clients.of(ctx); // lockouts are per account and address
      credentials(ctx, b -> auth.login(Bodies.optionalString(b, "username"), Bodies.optionalString(b, "password"),
          address).toValue());
    }));
    router.post("/auth/v1/refresh").handler(Handlers.named("auth.refresh", ctx -> token(ctx,
        t -> auth.refresh(t).toValue())));
    router.post("/auth/v1/logout").handler(Handlers.named("auth.logout", ctx -> token(ctx, t -> {
      auth.logout(t);
      return null;
    })));
  }

  private void credentials(RoutingContext ctx, Function<MapValue, MapValue> call) {
    MapValue body = Bodies.object(ctx);
    Bodies.onlyKeys(body, CREDENTIALS, "the request body");
    run(ctx, () -> call.apply(body));
  }

  private void token(RoutingContext ctx, Function<String, MapValue> call) {
    MapValue body = Bodies.object(ctx);
    Bodies.onlyKeys(body, REFRESH, "the request body");
    String token = Bodies.optionalString(body, "refresh_token");
    run(ctx, () -> call.apply(token));
  }

  private static void run(RoutingContext ctx, java.util.concurrent.Callable<MapValue> work) {
    var done = ctx.vertx().executeBlocking(work, false).onFailure(e -> {
      if (e instanceof AuthService.LoginBackoff b) {
        ctx.put(ApiErrors.RETRY_AFTER, b.retryAfterSeconds());
      }
    });
    Handlers.respond(ctx, done, result -> {
      if (result == null) {
        ctx.response().setStatusCode(200).end();
      } else {
        Responses.json(ctx, 200, result);
      }
    });
  }
}
