package io.syntrix.gateway;

import io.syntrix.model.ResourcePaths;
import io.vertx.ext.web.RoutingContext;

/**
 * The seam where identity plugs into every handler: which database a URL names, and whether the
 * caller may perform an operation there. Handlers call it before touching the store, so adding
 * authentication and rules changes this object, not the handlers.
 *
 * <p>Called on the event loop; implementations must not block.
 */
interface RequestPolicy {
  /** What a request is about to do. {@code path} is a document or collection path, or null for the whole database. */
  record Operation(Action action, String path) {}

  /** The rule actions of D10. */
  enum Action { GET, LIST, CREATE, UPDATE, DELETE }

  /** The canonical storage key of the database named in the URL; throws a SyntrixException if there is none. */
  String resolveDatabase(RoutingContext ctx, String fromUrl);

  /** Throws a SyntrixException (401/403) when the caller may not perform {@code op} in {@code database}. */
  void authorize(RoutingContext ctx, String database, Operation op);

  /** Until identity lands: every well-formed database name is its own key, and everything is allowed. */
  RequestPolicy OPEN = new RequestPolicy() {
    @Override
    public String resolveDatabase(RoutingContext ctx, String fromUrl) {
      return ResourcePaths.requireDatabase(fromUrl);
    }

    @Override
    public void authorize(RoutingContext ctx, String database, Operation op) {
      // open access
    }
  };
}
