package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;
import java.util.List;

/**
 * One change for one gateway: the gateway's subscriptions it matched, each with its own
 * operation ({@code CREATE}: the document entered that subscription's result, {@code UPDATE}:
 * changed inside it, {@code DELETE}: left it or was deleted), and the shared {@link Event}.
 * {@code operations.get(i)} belongs to {@code subscriptionIds.get(i)}.
 */
public record EventDelivery(List<String> subscriptionIds, List<Op> operations, Event event) {
  public EventDelivery {
    subscriptionIds = List.copyOf(subscriptionIds);
    operations = List.copyOf(operations);
    if (subscriptionIds.size() != operations.size() || subscriptionIds.isEmpty()) {
      throw new IllegalArgumentException("one operation per subscription id, at least one");
    }
  }

  public int size() {
    return subscriptionIds.size();
  }

  public long seq() {
    return event.seq();
  }

  /** The document subscription {@code i} sees: after image, or before image for a leave. */
  public Document document(int i) {
    return event.document(operations.get(i));
  }
}
