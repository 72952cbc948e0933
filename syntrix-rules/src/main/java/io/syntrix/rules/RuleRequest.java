package io.syntrix.rules;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.model.ResourcePaths;
import java.time.Instant;
import java.util.Objects;

/**
 * One access to authorise.
 *
 * @param database the canonical database key; {@code {database}} in a rule binds to it and
 *     {@code get()}/{@code exists()} read only this database
 * @param path a document path ({@code rooms/r1/messages/m1}) for get, create, update and delete;
 *     a collection path ({@code rooms/r1/messages}) for list (queries, subscriptions, pulls)
 * @param action what is done
 * @param auth who does it ({@link Auth#anonymous()} when nobody signed in)
 * @param newData create/update only, null otherwise: the document as it will be stored (for a
 *     merge, the merged result), without system fields; {@code request.resource.data}
 * @param existing the stored document, or null when there is none; a tombstone counts as none.
 *     {@code resource}. Always null for list
 * @param query list only, optional: the query or subscription filter; {@code request.query}
 * @param time the request time; {@code request.time}
 * @param reader where {@code get()}/{@code exists()} read; null makes them fail (and so deny)
 */
public record RuleRequest(String database, String path, Action action, Auth auth, MapValue newData,
                          Document existing, Query query, Instant time, DocumentReader reader) {
  public RuleRequest {
    ResourcePaths.requireDatabase(database);
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(time, "time");
    if (action == Action.LIST) {
      CollectionPath.of(path);
      require(existing == null, "a list request has no existing document");
      require(query == null || query.collection().value().equals(path),
          "the query's collection differs from the request path");
    } else {
      DocumentPath.of(path);
      require(query == null, "only a list request carries a query");
      require(existing == null || existing.path().value().equals(path),
          "the existing document's path differs from the request path");
    }
    require(action.isWrite() && action != Action.DELETE ? newData != null : newData == null,
        "create and update carry the new data; get, list and delete do not");
  }

  /** A get, create, update or delete of one document. */
  public static RuleRequest document(String database, DocumentPath path, Action action, Auth auth,
                                     MapValue newData, Document existing, Instant time, DocumentReader reader) {
    return new RuleRequest(database, path.value(), action, auth, newData, existing, null, time, reader);
  }

  /** A query or subscription on {@code query.collection()}. */
  public static RuleRequest list(String database, Query query, Auth auth, Instant time, DocumentReader reader) {
    return new RuleRequest(database, query.collection().value(), Action.LIST, auth, null, null, query, time, reader);
  }

  /** A listing of a collection without a query (replication pull, an unfiltered subscription). */
  public static RuleRequest list(String database, CollectionPath collection, Auth auth, Instant time,
                                 DocumentReader reader) {
    return new RuleRequest(database, collection.value(), Action.LIST, auth, null, null, null, time, reader);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
