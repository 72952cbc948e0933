package io.syntrix.gateway;

import io.syntrix.identity.AuthService;
import io.syntrix.identity.User;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code /admin/users} (list, patch roles / db_admin / disabled); admins and the system role only. */
final class AdminApi {
  private static final Set<String> USER_KEYS = Set.of("roles", "db_admin", "disabled");
  private final AuthService auth;

  AdminApi(AuthService auth) {
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/admin/users").handler(Handlers.named("admin.users.list", this::list));
    router.patch("/admin/users/:id").handler(Handlers.named("admin.users.update", this::update));
  }

  private void list(RoutingContext ctx) {
    Authenticator.admin(ctx);
    int limit = DatabasesApi.intParam(ctx, "limit", 50, 1, 1000);
    int offset = DatabasesApi.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    Handlers.respond(ctx, ctx.vertx().executeBlocking(() -> auth.listUsers(limit, offset), false), users -> {
      List<Value> out = new ArrayList<>();
      users.forEach(u -> out.add(u.toPublicValue()));
      Responses.json(ctx, 200, new ArrayValue(out));
    });
  }

  private void update(RoutingContext ctx) {
    Authenticator.admin(ctx);
    MapValue body = Bodies.object(ctx);
    Bodies.onlyKeys(body, USER_KEYS, "the request body");
    List<String> roles = strings(body.get("roles"), "roles");
    List<String> dbAdmin = strings(body.get("db_admin"), "db_admin");
    Value disabled = body.get("disabled");
    InvalidInputException.check(disabled == null || disabled instanceof BooleanValue, "'disabled' must be true or false");
    User updated = auth.updateUser(ctx.pathParam("id"), roles, dbAdmin,
        disabled == null ? null : ((BooleanValue) disabled).value());
    Responses.json(ctx, 200, updated.toPublicValue());
  }

  private static List<String> strings(Value v, String key) {
    if (v == null) {
      return null;
    }
    InvalidInputException.check(v instanceof ArrayValue, "'" + key + "' must be an array of strings");
    List<String> out = new ArrayList<>();
    for (Value e : ((ArrayValue) v).elements()) {
      InvalidInputException.check(e instanceof StringValue, "'" + key + "' must be an array of strings");
      out.add(((StringValue) e).value());
    }
    return out;
  }
}
