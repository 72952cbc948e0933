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
 * @param after      the document after the change: live, or for a delete its tombstone
 *                   ({@code deleted: true}, the bumped version, the delete's time)
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
        change.after(), change.timestamp());
  }

  /**
   * What a subscriber sees for {@code op}: the document as the change left it — for
   * {@code DELETE}, the tombstone of a delete or the after image of a leave (an update after which
   * the document no longer matches), as the original system sends.
   */
  public Document document(Op op) {
    return after;
  }

  /** True when the change deleted the document (its after image is a tombstone), not only left a result. */
  public boolean deletedDocument() {
    return after != null && after.deleted();
  }
}
