package io.syntrix.gateway;

import io.syntrix.identity.DatabaseService;
import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.identity.RulesService;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link RequestPolicy}: databases resolve through {@link DatabaseService} (slug and
 * {@code id:<hex>} reach the same canonical id), and every operation passes the database's
 * rules unless the caller owns the database or administers it. Rules that look at the stored
 * document get it read on a worker first; an upsert of a missing document is judged as a
 * {@code create}. A denial is 401 for an anonymous caller (sign in) and 403 for a signed-in one.
 */
final class IdentityPolicy implements RequestPolicy {
  private static final Logger log = LoggerFactory.getLogger(IdentityPolicy.class);
  private static final String DATABASE = "syntrix.database";

  private final DatabaseService databases;
  private final RulesService rules;
  private final DocumentStore store;

  IdentityPolicy(DatabaseService databases, RulesService rules, DocumentStore store) {
    this.databases = databases;
    this.rules = rules;
    this.store = store;
  }

  @Override
  public String resolveDatabase(RoutingContext ctx, String fromUrl) {
    LogicalDatabase db = databases.resolveForData(fromUrl);
    ctx.put(DATABASE, db);
    return db.id();
  }

  @Override
  public Future<Void> authorize(RoutingContext ctx, String database, Operation op) {
    LogicalDatabase db = ctx.get(DATABASE);
    Principal principal = Authenticator.principal(ctx);
    if (principal != null && (db.ownerId().equals(principal.userId()) || principal.dbAdmin().contains(db.id()))) {
      return Future.succeededFuture();
    }
    if (op.action() == Action.LIST || op.action() == Action.CREATE) {
      return decide(db, principal, op, null);
    }
    DocumentPath path = DocumentPath.of(op.path());
    return ctx.vertx().executeBlocking(() -> store.get(database, path).orElse(null), false)
        .compose(existing -> decide(db, principal, op, existing));
  }

  private Future<Void> decide(LogicalDatabase db, Principal principal, Operation op, Document existing) {
    RulesService.Action action = switch (op.action()) {
      case GET -> RulesService.Action.GET;
      case LIST -> RulesService.Action.LIST;
      case CREATE -> RulesService.Action.CREATE;
      case UPDATE -> existing == null ? RulesService.Action.CREATE : RulesService.Action.UPDATE;
      case DELETE -> RulesService.Action.DELETE;
    };
    RulesService.Decision d = rules.check(new RulesService.Request(db, principal, action, op.path(), op.newData(),
        existing, op.query()));
    if (d.allowed()) {
      return Future.succeededFuture();
    }
    log.debug("denied {} {} in {}: {}", action, op.path(), db.id(), d.reason());
    return Future.failedFuture(principal == null
        ? new SyntrixException(ErrorCode.UNAUTHORIZED, "unauthorized: sign in to access this database")
        : new SyntrixException(ErrorCode.FORBIDDEN, "Access denied"));
  }
}
