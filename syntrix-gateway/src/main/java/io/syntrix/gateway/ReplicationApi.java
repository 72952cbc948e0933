package io.syntrix.gateway;

import io.syntrix.gateway.RequestPolicy.Operation;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Documents;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.ResourcePaths;
import io.syntrix.model.StringValue;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import io.syntrix.rules.Action;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.DocumentStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 *
 * <p><b>Bounds.</b> A pull returns at most {@code limit} documents: {@link #DEFAULT_LIMIT} when
 * the client names none (or 0, which the original read as "all"), and a limit over
 * {@link #MAX_LIMIT} is a 400, as in the original. Its body is streamed under the response
 * deadline ({@link StreamedResponses}). A push is parsed and authorized whole, on one worker
 * task, then applied in batches on another ({@link ReplicationPush}).
 */
final class ReplicationApi {
  static final String PULL = "/replication/v1/databases/:db/pull";
  static final String PUSH = "/replication/v1/databases/:db/push";
  static final int DEFAULT_LIMIT = 1_000;
  static final int MAX_LIMIT = 1_000;
  private static final Set<String> PUSH_KEYS = Set.of("collection", "changes");
  private static final Set<String> CHANGE_KEYS = Set.of("action", "document");
  private static final byte[] DOCUMENTS = "{\"documents\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CHECKPOINT = "],\"checkpoint\":".getBytes(StandardCharsets.UTF_8);

  private final RequestPolicy policy;
  private final ChangeFeed feed;
  private final ReplicationPush pusher;
  private final StreamedResponses streams;

  ReplicationApi(DocumentStore store, RequestPolicy policy, GatewayMetrics metrics, StreamedResponses streams) {
    this.policy = policy;
    this.feed = new ChangeFeed(store);
    this.pusher = new ReplicationPush(store, metrics);
    this.streams = streams;
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
    policy.authorize(ctx, db, Operation.list(collection.value(), null))
        .onSuccess(ok -> streams.send(ctx, Responses.JSON, out -> writePage(out, db, collection, from, limit)))
        .onFailure(ctx::fail);
  }

  /** {@code {"documents":[...],"checkpoint":"..."}}, the documents streamed as the feed finds them. */
  private void writePage(ResponseStream out, String db, CollectionPath collection, ChangeFeed.Position from, int limit)
      throws IOException {
    out.write(DOCUMENTS);
    boolean[] first = {true};
    ChangeFeed.Position next = feed.pull(db, collection, from, limit, d -> {
      if (!first[0]) {
        out.write(',');
      }
      out.writeJson(d.toFlat());
      first[0] = false;
    });
    out.write(CHECKPOINT);
    out.writeJson(new StringValue(next.toString()));
    out.write('}');
    out.write('\n');
  }

  private static int limitParam(String raw) {
    if (raw == null || raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      InvalidInputException.check(limit >= 0 && limit <= MAX_LIMIT, "'limit' must be between 0 and " + MAX_LIMIT);
      return limit == 0 ? DEFAULT_LIMIT : limit;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("'limit' must be an integer");
    }
  }

  private void push(RoutingContext ctx) {
    String db = policy.resolveDatabase(ctx, ctx.pathParam("db"));
    MapValue body = Bodies.object(ctx);
    Bodies.onlyKeys(body, PUSH_KEYS, "the push body");
    CollectionPath collection = CollectionPath.of(Bodies.requiredString(body, "collection"));
    List<ReplicationPush.Change> changes = new ArrayList<>();
    for (Value v : Bodies.optionalArray(body, "changes").elements()) {
      changes.add(change(collection, v));
    }
    InvalidInputException.check(!changes.isEmpty(), "'changes' must hold at least one change");
    List<Operation> ops = new ArrayList<>(changes.size());
    for (ReplicationPush.Change c : changes) {
      ops.add(c.operation());
    }
    // Every change is valid and allowed before any is applied; they apply in order on one worker.
    RequestPolicy.Judge judge = policy.judgeOnWorker(ctx, db);
    DatabaseQuota quota = policy.quota(ctx);
    Handlers.respond(ctx, policy.authorizeAll(ctx, db, ops).compose(judged ->
        ctx.vertx().executeBlocking(() -> pusher.apply(db, changes, judged, judge, quota), false)), conflicts -> {
          List<Value> flat = new ArrayList<>(conflicts.size());
          conflicts.forEach(d -> flat.add(d.toFlat()));
          Responses.json(ctx, 200, MapValue.builder().put("conflicts", new ArrayValue(flat)).build());
        });
  }

  private static ReplicationPush.Change change(CollectionPath collection, Value v) {
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
    MapValue clean = Documents.clientData(document, id); // drops the system fields clients send back
    return new ReplicationPush.Change("delete".equals(action), collection.document(id), clean,
        version == null ? null : ((IntegerValue) version).value());
  }
}
