package io.syntrix.gateway;

import io.syntrix.rules.Action;
import io.syntrix.gateway.RequestPolicy.Operation;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Documents;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Filter;
import io.syntrix.model.FilterOp;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.ResourcePaths;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.Write;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Replication (reference §5, with its intent implemented): {@code pull} returns the changes of a
 * collection after a checkpoint, in commit order, deletes included; {@code push} applies client
 * changes with optimistic concurrency on {@code version} and returns the server's copy of every
 * document it could not apply.
 *
 * <p>The checkpoint is the change-log seq as a decimal string ({@code "0"} = from the
 * beginning). See {@link ChangeFeed} for stale and foreign checkpoints.
 */
final class ReplicationApi {
  static final String PULL = "/replication/v1/databases/:db/pull";
  static final String PUSH = "/replication/v1/databases/:db/push";
  private static final Set<String> PUSH_KEYS = Set.of("collection", "changes");
  private static final Set<String> CHANGE_KEYS = Set.of("action", "document");

  private final DocumentStore store;
  private final RequestPolicy policy;
  private final GatewayMetrics metrics;
  private final ChangeFeed feed;

  ReplicationApi(DocumentStore store, RequestPolicy policy, GatewayMetrics metrics) {
    this.store = store;
    this.policy = policy;
    this.metrics = metrics;
    this.feed = new ChangeFeed(store);
  }

  void mount(Router router) {
    router.get(PULL).handler(Handlers.named("replication.pull", this::pull));
    router.post(PUSH).handler(Handlers.named("replication.push", this::push));
  }

  private void pull(RoutingContext ctx) {
    String db = policy.resolveDatabase(ctx, ctx.pathParam("db"));
    String collectionParam = ctx.request().getParam("collection");
    InvalidInputException.check(collectionParam != null && !collectionParam.isEmpty(), "'collection' is required");
    CollectionPath collection = CollectionPath.of(collectionParam);
    String checkpoint = ctx.request().getParam("checkpoint");
    InvalidInputException.check(checkpoint != null && !checkpoint.isEmpty(), "'checkpoint' is required (use \"0\" to start)");
    int limit = limitParam(ctx.request().getParam("limit"));
    ChangeFeed.Position from = ChangeFeed.Position.parse(checkpoint);
    Handlers.respond(ctx, policy.authorize(ctx, db, Operation.list(collection.value(), null))
        .compose(ok -> ctx.vertx().executeBlocking(() -> feed.pull(db, collection, from, limit), false)), page -> {
      List<Value> docs = new ArrayList<>(page.documents().size());
      page.documents().forEach(d -> docs.add(d.toFlat()));
      Responses.json(ctx, 200, MapValue.builder()
          .put("documents", new ArrayValue(docs))
          .put("checkpoint", new StringValue(page.checkpoint().toString()))
          .build());
    });
  }

  private static int limitParam(String raw) {
    if (raw == null || raw.isEmpty()) {
      return 0;
    }
    try {
      int limit = Integer.parseInt(raw);
      InvalidInputException.check(limit >= 0 && limit <= 1000, "'limit' must be between 0 and 1000");
      return limit;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("'limit' must be an integer");
    }
  }

  /** One validated client change. */
  private record Change(boolean delete, DocumentPath path, MapValue data, Long baseVersion) {}

  private void push(RoutingContext ctx) {
    String db = policy.resolveDatabase(ctx, ctx.pathParam("db"));
    MapValue body = Bodies.object(ctx);
    Bodies.onlyKeys(body, PUSH_KEYS, "the push body");
    CollectionPath collection = CollectionPath.of(Bodies.requiredString(body, "collection"));
    List<Change> changes = new ArrayList<>();
    for (Value v : Bodies.optionalArray(body, "changes").elements()) {
      changes.add(change(collection, v));
    }
    InvalidInputException.check(!changes.isEmpty(), "'changes' must hold at least one change");
    DatabaseQuota quota = policy.quota(ctx);
    List<Future<Void>> checks = new ArrayList<>();
    for (Change c : changes) {
      checks.add(policy.authorize(ctx, db, c.delete() ? Operation.of(Action.DELETE, c.path().value())
          : Operation.write(Action.UPDATE, c.path().value(), c.data(), false)));
    }
    // Every change is valid and allowed before any is applied; they apply in order on a worker.
    Handlers.respond(ctx, Future.all(checks).compose(ok -> ctx.vertx().executeBlocking(() -> {
      List<Value> conflicts = new ArrayList<>();
      for (Change c : changes) {
        Document conflict = apply(db, quota, c);
        if (conflict != null) {
          conflicts.add(conflict.toFlat());
        }
      }
      return conflicts;
    }, false)), conflicts -> Responses.json(ctx, 200,
        MapValue.builder().put("conflicts", new ArrayValue(conflicts)).build()));
  }

  private static Change change(CollectionPath collection, Value v) {
    InvalidInputException.check(v instanceof MapValue, "each change must be an object {action, document}");
    MapValue m = (MapValue) v;
    Bodies.onlyKeys(m, CHANGE_KEYS, "a change");
    String action = Bodies.optionalString(m, "action");
    MapValue document = Bodies.requiredObject(m, "document");
    Value idValue = document.get(SystemFields.ID);
    InvalidInputException.check(idValue != null, "every pushed document needs an 'id'");
    String id = ResourcePaths.bodyId(idValue);
    Value version = document.get(SystemFields.VERSION);
    InvalidInputException.check(version == null || version instanceof IntegerValue, "'version' must be an integer");
    MapValue.Builder data = MapValue.builder().putAll(document);
    SystemFields.RESERVED.forEach(data::remove); // clients send back what they pulled
    MapValue clean = Documents.clientData(data.build(), id);
    return new Change("delete".equals(action), collection.document(id), clean,
        version == null ? null : ((IntegerValue) version).value());
  }

  /** Applies one change; returns the server's document when the change conflicts, else null. */
  private Document apply(String db, DatabaseQuota quota, Change c) {
    Document current = store.get(db, c.path(), true).orElse(null);
    Document live = current == null || current.deleted() ? null : current;
    if (c.delete()) {
      if (live == null) {
        return null; // deleting what is not there creates nothing
      }
      if (c.baseVersion() != null && c.baseVersion() != live.version()) {
        return live;
      }
      return attempt(db, quota, c, new Write.Delete(db, c.path(), versionIs(live.version())));
    }
    if (live == null) {
      if (current != null && c.baseVersion() != null && c.baseVersion() != current.version()) {
        return current; // the client edited what the server has deleted since
      }
      return attempt(db, quota, c, new Write.Create(db, c.path(), c.data()));
    }
    if (c.baseVersion() != null && c.baseVersion() != live.version()) {
      return live;
    }
    return attempt(db, quota, c, new Write.Replace(db, c.path(), c.data(), versionIs(live.version())));
  }

  /** Writes; a concurrent change between the read and the write turns into a conflict with the latest copy. */
  private Document attempt(String db, DatabaseQuota quota, Change c, Write write) {
    try {
      metrics.documentWritten(store.write(write, quota).op());
      return null;
    } catch (SyntrixException e) {
      if (e.code() != ErrorCode.PRECONDITION_FAILED && e.code() != ErrorCode.CONFLICT && e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
      return store.get(db, c.path(), true).orElse(null);
    }
  }

  private static List<Filter> versionIs(long version) {
    return List.of(new Filter(SystemFields.VERSION, FilterOp.EQ, IntegerValue.of(version)));
  }
}
