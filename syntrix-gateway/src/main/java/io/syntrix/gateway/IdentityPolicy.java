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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
    return authorizeAll(ctx, database, List.of(op)).mapEmpty();
  }

  @Override
  public Future<Judgement> authorizeWrite(RoutingContext ctx, String database, Operation op) {
    return authorizeAll(ctx, database, List.of(op)).map(judged -> judged.get(0));
  }

  /** Every decision on one worker task, in order, stopping at the first denial. */
  @Override
  public Future<List<Judgement>> authorizeAll(RoutingContext ctx, String database, List<Operation> ops) {
    if (RuleAccess.bypassesRules(ctx.get(DATABASE), Authenticator.principal(ctx))) {
      return Future.succeededFuture(java.util.Collections.nCopies(ops.size(), Judgement.UNJUDGED));
    }
    Judge judge = judgeOnWorker(ctx, database);
    return ctx.vertx().executeBlocking(() -> {
      List<Judgement> judged = new ArrayList<>(ops.size());
      for (Operation op : ops) {
        judged.add(judge.judge(op)); // a denial throws, failing the future with its 401/403
      }
      return judged;
    }, false);
  }

  @Override
  public Judge judgeOnWorker(RoutingContext ctx, String database) {
    LogicalDatabase db = ctx.get(DATABASE);
    Principal principal = Authenticator.principal(ctx);
    boolean bypass = RuleAccess.bypassesRules(db, principal);
    return op -> {
      if (bypass) {
        return Judgement.UNJUDGED;
      }
      Verdict v = decide(db, principal, op);
      if (!v.decision().allowed()) {
        log.debug("denied {} {} in {}: {}", op.action(), op.path(), db.id(), v.decision().reason());
        throw denied(principal);
      }
      return v.judgement();
    };
  }

  private static SyntrixException denied(Principal principal) {
    return principal == null
        ? new SyntrixException(ErrorCode.UNAUTHORIZED, "unauthorized: sign in to access this database")
        : new SyntrixException(ErrorCode.FORBIDDEN, "Access denied");
  }

  /** A decision and the version of the document it looked at. */
  private record Verdict(Decision decision, Judgement judgement) {}

  /** Runs on a worker. */
  private Verdict decide(LogicalDatabase db, Principal principal, Operation op) {
    Auth auth = RuleAccess.auth(principal);
    Instant now = Instant.now();
    if (op.action() == Action.LIST) {
      RuleRequest request = op.query() != null
          ? RuleRequest.list(db.id(), op.query(), auth, now, store::get)
          : RuleRequest.list(db.id(), io.syntrix.model.CollectionPath.of(op.path()), auth, now, store::get);
      return new Verdict(rules.check(request), Judgement.UNJUDGED);
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
    Decision decision = rules.check(RuleRequest.document(db.id(), path, action, auth, newData, existing, now,
        store::get));
    afterDecision.accept(op);
    return new Verdict(decision, new Judgement(existing == null ? 0 : existing.version()));
  }

  /** Tests only: runs on the worker between a decision and the write it allows (to race it deterministically). */
  volatile Consumer<Operation> afterDecision = op -> {};
}
