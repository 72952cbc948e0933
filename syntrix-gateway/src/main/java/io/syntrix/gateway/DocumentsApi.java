package io.syntrix.gateway;

import io.syntrix.rules.Action;
import io.syntrix.gateway.RequestPolicy.Operation;
import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Documents;
import io.syntrix.model.Filter;
import io.syntrix.model.MapValue;
import io.syntrix.model.ResourcePaths;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.StoreException;
import io.syntrix.store.Write;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/databases/{db}/documents/{path...}}: GET, POST (create in a collection), PUT
 * (replace or create), PATCH (shallow merge), DELETE (soft). Responses are flattened documents.
 *
 * <p>Threads: parsing and validation run on the event loop; reads run on a worker; writes are
 * queued on the store's committer and answered when their future completes.
 */
final class DocumentsApi {
  /** How often a write is judged before a document that keeps changing under it gets 409. */
  private static final int JUDGE_ATTEMPTS = 3;

  static final String PREFIX = "/api/v1/databases/:db/documents/*";
  private static final Set<String> UPDATE_KEYS = Set.of("doc", "ifMatch");
  private static final Set<String> DELETE_KEYS = Set.of("ifMatch");

  private final DocumentStore store;
  private final RequestPolicy policy;
  private final GatewayMetrics metrics;

  DocumentsApi(DocumentStore store, RequestPolicy policy, GatewayMetrics metrics) {
    this.store = store;
    this.policy = policy;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.get(PREFIX).handler(Handlers.named("documents.get", this::get));
    router.post(PREFIX).handler(Handlers.named("documents.create", this::create));
    router.put(PREFIX).handler(Handlers.named("documents.replace", ctx -> update(ctx, false)));
    router.patch(PREFIX).handler(Handlers.named("documents.patch", ctx -> update(ctx, true)));
    router.delete(PREFIX).handler(Handlers.named("documents.delete", this::delete));
  }

  /** The path after {@code /documents/}, taken from the raw request path. */
  private static String pathOf(RoutingContext ctx) {
    String raw = ctx.request().path();
    int at = raw.indexOf("/documents/");
    return at < 0 ? "" : raw.substring(at + "/documents/".length());
  }

  private String database(RoutingContext ctx) {
    return policy.resolveDatabase(ctx, ctx.pathParam("db"));
  }

  private void get(RoutingContext ctx) {
    String db = database(ctx);
    DocumentPath path = DocumentPath.of(pathOf(ctx));
    Handlers.respond(ctx, policy.authorize(ctx, db, Operation.of(Action.GET, path.value()))
        .compose(ok -> ctx.vertx().executeBlocking(() -> store.get(db, path)
            .orElseThrow(() -> StoreException.notFound(db, path)), false)), d -> Responses.json(ctx, 200, d.toFlat()));
  }

  private void create(RoutingContext ctx) {
    String db = database(ctx);
    CollectionPath collection = CollectionPath.of(pathOf(ctx));
    MapValue body = Bodies.object(ctx);
    Value bodyId = body.get(SystemFields.ID);
    String id = bodyId == null ? Documents.newId() : ResourcePaths.bodyId(bodyId);
    DocumentPath path = collection.document(id);
    Write.Create write = new Write.Create(db, path, body);
    commit(ctx, Operation.write(Action.CREATE, path.value(), write.data(), false), write, 201);
  }

  /** PUT (replace, or create when missing) and PATCH (shallow merge): body {@code {doc, ifMatch?}}. */
  private void update(RoutingContext ctx, boolean merge) {
    String db = database(ctx);
    DocumentPath path = DocumentPath.of(pathOf(ctx));
    MapValue body = Bodies.object(ctx);
    Bodies.onlyKeys(body, UPDATE_KEYS, "the request body");
    MapValue doc = Bodies.requiredObject(body, "doc");
    List<Filter> ifMatch = Filter.listFromValue(body.get("ifMatch"));
    Write write = merge ? new Write.Patch(db, path, doc, ifMatch) : new Write.Replace(db, path, doc, ifMatch);
    MapValue data = write instanceof Write.Patch p ? p.data() : ((Write.Replace) write).data();
    commit(ctx, Operation.write(Action.UPDATE, path.value(), data, merge), write, 200);
  }

  private void delete(RoutingContext ctx) {
    String db = database(ctx);
    DocumentPath path = DocumentPath.of(pathOf(ctx));
    MapValue body = Bodies.optionalObject(ctx);
    Bodies.onlyKeys(body, DELETE_KEYS, "the request body");
    List<Filter> ifMatch = Filter.listFromValue(body.get("ifMatch"));
    commit(ctx, Operation.of(Action.DELETE, path.value()), new Write.Delete(db, path, ifMatch), 204);
  }

  private void commit(RoutingContext ctx, Operation op, Write write, int status) {
    Handlers.respond(ctx, judgeAndWrite(ctx, op, write, JUDGE_ATTEMPTS), event -> {
      metrics.documentWritten(event.op());
      if (status == 204) {
        Responses.noContent(ctx);
      } else {
        Responses.json(ctx, status, event.after().toFlat());
      }
    });
  }

  /**
   * Authorises {@code write} and commits it on condition that the document is still what the rules
   * judged; if another request changed it in between, judges it again (the answer may differ: a
   * PUT judged as a create may now be an update the rules refuse), at most {@code attempts} times,
   * then answers 409.
   */
  private Future<ChangeEvent> judgeAndWrite(RoutingContext ctx, Operation op, Write write, int attempts) {
    return policy.authorizeWrite(ctx, write.database(), op)
        .compose(judged -> Future.fromCompletionStage(store.writeAsync(judged.guard(write), policy.quota(ctx)),
            ctx.vertx().getOrCreateContext()))
        .recover(e -> {
          if (e instanceof StoreException.Changed && attempts > 1) {
            metrics.rejudged();
            return judgeAndWrite(ctx, op, write, attempts - 1);
          }
          if (e instanceof StoreException.Busy) {
            metrics.writeRefusedBusy();
          }
          return Future.failedFuture(e);
        });
  }
}
