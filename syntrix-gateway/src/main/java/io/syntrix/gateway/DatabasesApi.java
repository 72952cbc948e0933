package io.syntrix.gateway;

import io.syntrix.identity.DatabaseService;
import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.store.DatabaseUsage;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Logical database management (reference §6): {@code /api/v1/databases} for signed-in users
 * (their own databases, within their quota) and {@code /admin/databases} for admins (everyone's,
 * plus owner, status and settings). Getting one database also shows its {@code usage}
 * ({@code documents}, {@code storage_bytes}), what its {@code max_documents} and
 * {@code max_storage_bytes} settings are enforced against.
 */
final class DatabasesApi {
  private static final Set<String> CREATE_KEYS = Set.of("display_name", "slug", "description");
  private static final Set<String> ADMIN_CREATE_KEYS = Set.of("display_name", "slug", "description", "owner_id", "settings");
  private static final Set<String> UPDATE_KEYS = Set.of("display_name", "slug", "description");
  private static final Set<String> ADMIN_UPDATE_KEYS = Set.of("display_name", "slug", "description", "status", "settings");
  private static final Set<String> SETTINGS_KEYS = Set.of("max_documents", "max_storage_bytes");

  private final DatabaseService databases;
  private final Function<String, DatabaseUsage> usage;

  DatabasesApi(DatabaseService databases, Function<String, DatabaseUsage> usage) {
    this.databases = databases;
    this.usage = usage;
  }

  void mount(Router router) {
    for (boolean admin : new boolean[] {false, true}) {
      String base = admin ? "/admin/databases" : "/api/v1/databases";
      String name = admin ? "admin.databases" : "databases";
      router.post(base).handler(Handlers.named(name + ".create", ctx -> create(ctx, admin)));
      router.get(base).handler(Handlers.named(name + ".list", ctx -> list(ctx, admin)));
      router.get(base + "/:identifier").handler(Handlers.named(name + ".get", ctx -> get(ctx, admin)));
      router.patch(base + "/:identifier").handler(Handlers.named(name + ".update", ctx -> update(ctx, admin)));
      router.delete(base + "/:identifier").handler(Handlers.named(name + ".delete", ctx -> delete(ctx, admin)));
    }
  }

  private static Principal caller(RoutingContext ctx, boolean admin) {
    return admin ? Authenticator.admin(ctx) : Authenticator.required(ctx);
  }

  private void create(RoutingContext ctx, boolean admin) {
    Principal caller = caller(ctx, admin);
    MapValue body = Bodies.object(ctx);
    Bodies.onlyKeys(body, admin ? ADMIN_CREATE_KEYS : CREATE_KEYS, "the request body");
    MapValue settings = settings(body);
    DatabaseService.Spec spec = new DatabaseService.Spec(Bodies.optionalString(body, "display_name"),
        Bodies.optionalString(body, "slug"), Bodies.optionalString(body, "description"),
        Bodies.optionalString(body, "owner_id"), optionalLong(settings, "max_documents"),
        optionalLong(settings, "max_storage_bytes"));
    Handlers.offLoop(ctx, () -> databases.create(caller, spec), db -> Responses.json(ctx, 201, db.toResponse()));
  }

  private void list(RoutingContext ctx, boolean admin) {
    Principal caller = caller(ctx, admin);
    int limit = intParam(ctx, "limit", 20, 1, 100);
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    String status = ctx.request().getParam("status");
    String owner = ctx.request().getParam("owner");
    Handlers.offLoop(ctx, () -> {
      List<LogicalDatabase> all = databases.list(caller, status, owner);
      List<Value> page = new ArrayList<>();
      for (int i = offset; i < Math.min(all.size(), offset + limit); i++) {
        page.add(all.get(i).toResponse());
      }
      MapValue.Builder out = MapValue.builder().put("databases", new ArrayValue(page))
          .put("total", IntegerValue.of(all.size()));
      if (!admin) {
        out.put("quota", MapValue.builder().put("used", IntegerValue.of(databases.quotaUsed(caller)))
            .put("limit", IntegerValue.of(databases.quotaLimit())).build());
      }
      return out.build();
    }, body -> Responses.json(ctx, 200, body));
  }

  private void get(RoutingContext ctx, boolean admin) {
    Principal caller = caller(ctx, admin);
    String identifier = ctx.pathParam("identifier");
    Handlers.offLoop(ctx, () -> {
      LogicalDatabase db = databases.getManaged(caller, identifier);
      DatabaseUsage used = usage.apply(db.id());
      return MapValue.builder().putAll(db.toResponse()).put("usage", MapValue.builder()
          .put("documents", IntegerValue.of(used.documents()))
          .put("storage_bytes", IntegerValue.of(used.storageBytes())).build()).build();
    }, body -> Responses.json(ctx, 200, body));
  }

  private void update(RoutingContext ctx, boolean admin) {
    Principal caller = caller(ctx, admin);
    MapValue body = Bodies.object(ctx);
    Bodies.onlyKeys(body, admin ? ADMIN_UPDATE_KEYS : UPDATE_KEYS, "the request body");
    MapValue settings = settings(body);
    DatabaseService.Changes changes = new DatabaseService.Changes(Bodies.optionalString(body, "slug"),
        Bodies.optionalString(body, "display_name"), Bodies.optionalString(body, "description"),
        Bodies.optionalString(body, "status"), optionalLong(settings, "max_documents"),
        optionalLong(settings, "max_storage_bytes"));
    String identifier = ctx.pathParam("identifier");
    Handlers.offLoop(ctx, () -> databases.update(caller, identifier, changes),
        db -> Responses.json(ctx, 200, db.toResponse()));
  }

  private void delete(RoutingContext ctx, boolean admin) {
    Principal caller = caller(ctx, admin);
    String identifier = ctx.pathParam("identifier");
    Handlers.offLoop(ctx, () -> databases.delete(caller, identifier), db -> Responses.json(ctx, 200, MapValue.builder()
        .put("id", new StringValue(db.id()))
        .put("slug", db.slug() == null ? io.syntrix.model.NullValue.INSTANCE : new StringValue(db.slug()))
        .put("status", new StringValue(db.status()))
        .put("message", new StringValue("Database deletion initiated"))
        .build()));
  }

  private static MapValue settings(MapValue body) {
    Value s = body.get("settings");
    if (s == null) {
      return MapValue.EMPTY;
    }
    InvalidInputException.check(s instanceof MapValue, "'settings' must be an object");
    Bodies.onlyKeys((MapValue) s, SETTINGS_KEYS, "settings");
    return (MapValue) s;
  }

  private static Long optionalLong(MapValue m, String key) {
    long v = Bodies.optionalInteger(m, key, -1);
    InvalidInputException.check(v >= -1, "'" + key + "' must not be negative");
    return v < 0 ? null : v;
  }

  static int intParam(RoutingContext ctx, String name, int absent, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return absent;
    }
    try {
      int v = Integer.parseInt(raw);
      InvalidInputException.check(v >= min && v <= max, "'" + name + "' must be between " + min + " and " + max);
      return v;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("'" + name + "' must be an integer");
    }
  }
}
