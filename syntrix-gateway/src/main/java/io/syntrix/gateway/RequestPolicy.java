package io.syntrix.gateway;

import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.rules.Action;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.Write;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * The seam where identity plugs into every data handler: which database a URL names, and
 * whether the caller may perform an operation there. Handlers ask it before touching the store.
 *
 * <p>Called on the event loop. {@link #resolveDatabase} must be cheap; {@link #authorize} may
 * need to read (the stored document, for rules on {@code resource.data}) and so answers with a
 * future.
 */
interface RequestPolicy {
  /**
   * What a request is about to do: the action, the document path (or the collection path for
   * {@code LIST}), the new data for creates and updates ({@code merge}: a patch, to be merged
   * into the stored document), the query for lists.
   */
  record Operation(Action action, String path, MapValue newData, Query query, boolean merge) {
    static Operation of(Action action, String path) {
      return new Operation(action, path, null, null, false);
    }

    static Operation write(Action action, String path, MapValue newData, boolean merge) {
      return new Operation(action, path, newData, null, merge);
    }

    static Operation list(String collection, Query query) {
      return new Operation(Action.LIST, collection, null, query, false);
    }
  }

  /** The canonical storage key of the database named in the URL; throws a SyntrixException if there is none. */
  String resolveDatabase(RoutingContext ctx, String fromUrl);

  /** The quota of the database {@link #resolveDatabase} resolved for this request; writes must stay within it. */
  default DatabaseQuota quota(RoutingContext ctx) {
    return DatabaseQuota.NONE;
  }

  /** Succeeds when the caller may perform {@code op}; fails with a SyntrixException (401/403) otherwise. */
  Future<Void> authorize(RoutingContext ctx, String database, Operation op);

  /**
   * What a write was allowed against: the version of the live document the rules looked at (0:
   * none), or {@link #UNJUDGED} when no rule looked at the document (the caller bypasses rules).
   */
  record Judgement(long version) {
    static final Judgement UNJUDGED = new Judgement(-1);

    /** {@code write}, conditioned on the document still being as judged (when it was). */
    Write guard(Write write) {
      return version < 0 || write instanceof Write.Create ? write : new Write.Judged(write, version);
    }
  }

  /**
   * Like {@link #authorize}, for a write, and tells what the decision was based on, so the write
   * can be made conditional on it: between the check and the commit another request may have
   * created, changed or deleted the document, and the rules might have answered otherwise.
   */
  Future<Judgement> authorizeWrite(RoutingContext ctx, String database, Operation op);

  /** Judges one operation at once, on the calling worker thread, for the request it was made for. */
  interface Judge {
    /** What {@code op} is allowed against; throws a SyntrixException (401/403) when the rules deny it. */
    Judgement judge(Operation op);
  }

  /** A {@link Judge} for this request (call on the event loop; use the judge on a worker). */
  Judge judgeOnWorker(RoutingContext ctx, String database);

  /**
   * Succeeds when the caller may perform every one of {@code ops} (a replication push) with what
   * each was judged against, in order; one worker task decides them all rather than one task per
   * operation.
   */
  Future<java.util.List<Judgement>> authorizeAll(RoutingContext ctx, String database, java.util.List<Operation> ops);
}
