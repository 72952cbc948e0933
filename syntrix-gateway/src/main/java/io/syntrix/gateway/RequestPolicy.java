package io.syntrix.gateway;

import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.rules.Action;
import io.syntrix.store.DatabaseQuota;
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
}
