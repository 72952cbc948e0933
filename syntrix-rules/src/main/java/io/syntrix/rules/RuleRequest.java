package io.syntrix.rules;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import java.time.Instant;
import java.util.Objects;

/**
 * One access to authorise: built by {@link #document} (get, create, update, delete) or
 * {@link #list} (queries, subscriptions, pulls), which check its shape. Immutable.
 *
 * <ul>
 *   <li>{@code database}: the canonical database key (already resolved by the caller);
 *       {@code {database}} in a rule binds to it and {@code get()}/{@code exists()} read only
 *       this database.
 *   <li>{@code path}: a document path ({@code rooms/r1/messages/m1}), or for list a collection
 *       path ({@code rooms/r1/messages}).
 *   <li>{@code auth}: who asks ({@link Auth#anonymous()} when nobody signed in).
 *   <li>{@code newData}: create/update only: the document as it will be stored (for a merge,
 *       the merged result), without system fields; {@code request.resource.data}.
 *   <li>{@code existing}: the stored document or null ({@code resource}); a tombstone counts as
 *       none. Always null for list.
 *   <li>{@code query}: list only, optional: the query or subscription filter ({@code request.query}).
 *   <li>{@code time}: {@code request.time}.
 *   <li>{@code reader}: where {@code get()}/{@code exists()} read; null makes them fail (deny).
 * </ul>
 */
public final class RuleRequest {
  private final String database;
  private final String path;
  private final String id;
  private final Action action;
  private final Auth auth;
  private final MapValue newData;
  private final Document existing;
  private final Query query;
  private final Instant time;
  private final DocumentReader reader;

  private RuleRequest(String database, String path, String id, Action action, Auth auth, MapValue newData,
                      Document existing, Query query, Instant time, DocumentReader reader) {
    this.database = Objects.requireNonNull(database, "database");
    // The caller resolved the database; this only keeps a name from being read as a path.
    require(!database.isEmpty() && database.indexOf('/') < 0, "invalid database name '" + database + "'");
    this.path = path;
    this.id = id;
    this.action = Objects.requireNonNull(action, "action");
    this.auth = Objects.requireNonNull(auth, "auth");
    this.newData = newData;
    this.existing = existing;
    this.query = query;
    this.time = Objects.requireNonNull(time, "time");
    this.reader = reader;
  }

  /**
   * A get, create, update or delete of one document. {@code newData} is required for create and
   * update and refused otherwise; {@code existing}, when given, must be at {@code path}.
   */
  public static RuleRequest document(String database, DocumentPath path, Action action, Auth auth,
                                     MapValue newData, Document existing, Instant time, DocumentReader reader) {
    require(action != Action.LIST, "a list request names a collection: use RuleRequest.list");
    require((action == Action.CREATE || action == Action.UPDATE) == (newData != null),
        "create and update carry the new data; get and delete do not");
    require(existing == null || existing.path().equals(path), "the existing document's path differs from the request path");
    return new RuleRequest(database, path.value(), path.id(), action, auth, newData, existing, null, time, reader);
  }

  /** A query or subscription on {@code query.collection()}. */
  public static RuleRequest list(String database, Query query, Auth auth, Instant time, DocumentReader reader) {
    return new RuleRequest(database, query.collection().value(), null, Action.LIST, auth, null, null, query, time, reader);
  }

  /** A listing of a collection without a query (replication pull, an unfiltered subscription). */
  public static RuleRequest list(String database, CollectionPath collection, Auth auth, Instant time,
                                 DocumentReader reader) {
    return new RuleRequest(database, collection.value(), null, Action.LIST, auth, null, null, null, time, reader);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  public String database() {
    return database;
  }

  /** The document path, or for a list the collection path. */
  public String path() {
    return path;
  }

  /** The document id (last path segment); null for a list. */
  String id() {
    return id;
  }

  public Action action() {
    return action;
  }

  public Auth auth() {
    return auth;
  }

  public MapValue newData() {
    return newData;
  }

  public Document existing() {
    return existing;
  }

  public Query query() {
    return query;
  }

  public Instant time() {
    return time;
  }

  public DocumentReader reader() {
    return reader;
  }

  @Override
  public String toString() {
    return "RuleRequest[" + action.wireName() + " " + database + "/" + path + ", " + auth + "]";
  }
}
