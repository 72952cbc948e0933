package io.syntrix.gateway;

import io.syntrix.identity.DatabaseService;
import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.identity.RulesService;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.rules.RuleSet;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * Security rules of a database: {@code GET /admin/rules?database=} and
 * {@code POST /admin/rules/push?database=} (raw YAML) as in the reference, for admins; and the
 * same for a database's owner at {@code GET/PUT /api/v1/databases/{db}/rules}. A push compiles
 * the rules first: a set that does not compile is a 400 and changes nothing.
 */
final class RulesApi {
  private final DatabaseService databases;
  private final RulesService rules;

  RulesApi(DatabaseService databases, RulesService rules) {
    this.databases = databases;
    this.rules = rules;
  }

  void mount(Router router) {
    router.get("/admin/rules").handler(Handlers.named("admin.rules.get", ctx ->
        get(ctx, Authenticator.admin(ctx), requiredParam(ctx))));
    router.post("/admin/rules/push").handler(Handlers.named("admin.rules.push", ctx ->
        push(ctx, Authenticator.admin(ctx), requiredParam(ctx))));
    router.get("/api/v1/databases/:identifier/rules").handler(Handlers.named("databases.rules.get", ctx ->
        get(ctx, Authenticator.required(ctx), ctx.pathParam("identifier"))));
    router.put("/api/v1/databases/:identifier/rules").handler(Handlers.named("databases.rules.put", ctx ->
        push(ctx, Authenticator.required(ctx), ctx.pathParam("identifier"))));
  }

  private static String requiredParam(RoutingContext ctx) {
    String db = ctx.request().getParam("database");
    InvalidInputException.check(db != null && !db.isEmpty(), "'database' is required");
    return db;
  }

  private void get(RoutingContext ctx, Principal caller, String identifier) {
    LogicalDatabase db = databases.getManaged(caller, identifier);
    RuleSet set = rules.rulesOf(db.id()).orElseThrow(() ->
        new SyntrixException(ErrorCode.NOT_FOUND, "database '" + identifier + "' has no rules"));
    Responses.json(ctx, 200, MapValue.builder()
        .put("database", new StringValue(db.id()))
        .put("rules_version", set.rulesVersion() == null ? io.syntrix.model.NullValue.INSTANCE : new StringValue(set.rulesVersion()))
        .put("yaml", new StringValue(set.yaml()))
        .build());
  }

  private void push(RoutingContext ctx, Principal caller, String identifier) {
    LogicalDatabase db = databases.getManaged(caller, identifier);
    Buffer body = ctx.body().buffer();
    InvalidInputException.check(body != null && body.length() > 0, "the rules YAML is empty");
    String yaml = body.toString(StandardCharsets.UTF_8);
    Handlers.respond(ctx, ctx.vertx().executeBlocking(() -> rules.push(db.id(), yaml), false), set ->
        Responses.json(ctx, 200, MapValue.builder()
            .put("database", new StringValue(db.id()))
            .put("status", new StringValue("ok"))
            .build()));
  }
}
