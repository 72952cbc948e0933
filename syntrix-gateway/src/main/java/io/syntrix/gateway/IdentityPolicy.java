package io.syntrix.gateway;

import io.syntrix.identity.DatabaseService;
import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.identity.RuleAccess;
import io.syntrix.identity.RulesService;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.MapValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.rules.Action;
import io.syntrix.rules.Auth;
import io.syntrix.rules.Decision;
import io.syntrix.rules.RuleRequest;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.DocumentStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link RequestPolicy}: databases resolve through {@link DatabaseService} (slug and
 * {@code id:<hex>} reach the same canonical id), and every operation passes the database's
 * rules (D10) unless the caller owns the database or administers it.
 *
 * <p>Rules run on a worker: they may look at the stored document ({@code resource}) and call
 * {@code get()}/{@code exists()}, which read the store. An upsert of a missing document is
 * judged as a {@code create}; a patch is judged on the merged document. A denial is 401 for an
 * anonymous caller (sign in) and 403 for a signed-in one.
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

  /** The database's {@code max_documents} / {@code max_storage_bytes} settings (0: unlimited). */
  @Override
  public DatabaseQuota quota(RoutingContext ctx) {
    LogicalDatabase db = ctx.get(DATABASE);
    return new DatabaseQuota(db.maxDocuments(), db.maxStorageBytes());
  }

  @Override
  public Future<Void> authorize(RoutingContext ctx, String database, Operation op) {
    LogicalDatabase db = ctx.get(DATABASE);
    Principal principal = Authenticator.principal(ctx);
    if (RuleAccess.bypassesRules(db, principal)) {
      return Future.succeededFuture();
    }
    return ctx.vertx().executeBlocking(() -> decide(db, principal, op), false).compose(d -> {
      if (d.allowed()) {
        return Future.succeededFuture();
      }
      log.debug("denied {} {} in {}: {}", op.action(), op.path(), db.id(), d.reason());
      return Future.failedFuture(principal == null
          ? new SyntrixException(ErrorCode.UNAUTHORIZED, "unauthorized: sign in to access this database")
          : new SyntrixException(ErrorCode.FORBIDDEN, "Access denied"));
    });
  }

  /** Runs on a worker. */
  private Decision decide(LogicalDatabase db, Principal principal, Operation op) {
    Auth auth = RuleAccess.auth(principal);
    Instant now = Instant.now();
    if (op.action() == Action.LIST) {
      RuleRequest request = op.query() != null
          ? RuleRequest.list(db.id(), op.query(), auth, now, store::get)
          : RuleRequest.list(db.id(), io.syntrix.model.CollectionPath.of(op.path()), auth, now, store::get);
      return rules.check(request);
    }
    DocumentPath path = DocumentPath.of(op.path());
    Document existing = op.action() == Action.CREATE ? null : store.get(db.id(), path).orElse(null);
    Action action = op.action() == Action.UPDATE && existing == null ? Action.CREATE : op.action();
    MapValue newData = op.newData();
    if (op.merge() && existing != null && newData != null) {
      newData = MapValue.builder().putAll(existing.data()).putAll(newData).build();
    }
    if (action == Action.DELETE || action == Action.GET) {
      newData = null;
    }
    return rules.check(RuleRequest.document(db.id(), path, action, auth, newData, existing, now, store::get));
  }
}
