package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;

/**
 * One committed change as deliveries carry it; shared by every delivery of that change.
 *
 * @param seq        the change's commit sequence number
 * @param collection the collection path ({@code rooms/r1/messages})
 * @param documentId the last path segment
 * @param before     the live document before the change, or null (it did not exist)
 * @param after      the live document after the change, or null (it was deleted)
 * @param timestamp  the commit time, Unix ms
 */
public record Event(long seq, String database, String collection, String documentId, Document before,
                    Document after, long timestamp) {

  /** The collection path of a change's document, without re-validating it (the store did). */
  static String collectionOf(ChangeEvent change) {
    String path = change.path().value();
    return path.substring(0, path.lastIndexOf('/'));
  }

  static Event of(ChangeEvent change, String collection) {
    return new Event(change.seq(), change.database(), collection, change.path().id(), change.before(),
        change.liveAfter(), change.timestamp());
  }

  /** What a subscriber sees for {@code op}: the after image, or for {@code DELETE} (a leave) the before image. */
  public Document document(Op op) {
    return op == Op.DELETE ? before : after;
  }
}
