package io.syntrix.streamer.match;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Filter;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.ResourcePaths;
import java.util.List;

/**
 * A live query as the streamer holds it: the documents of one collection (not of its
 * subcollections) in one database that satisfy every filter (ANDed, D4 semantics). The id is
 * chosen by the gateway and unique within that gateway's stream.
 */
public record Subscription(String id, String gatewayId, String database, String collection, List<Filter> filters) {
  public Subscription {
    InvalidInputException.check(id != null && !id.isEmpty(), "subscription id is empty");
    InvalidInputException.check(gatewayId != null && !gatewayId.isEmpty(), "gateway id is empty");
    ResourcePaths.requireDatabase(database);
    CollectionPath.of(collection);
    filters = List.copyOf(filters);
  }
}
