package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;
import io.syntrix.model.Filter;
import io.syntrix.model.MapValue;
import io.syntrix.store.ChangeLog;
import io.syntrix.streamer.match.CompiledSubscription;
import io.syntrix.streamer.match.Matcher;
import io.syntrix.streamer.match.Subscription;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the change log for ONE subscription, a bounded page at a time, classifying each change
 * exactly as the live matcher does (before and after images, D6). Gateways use it to catch a
 * resuming client up at that client's own pace, apart from the live delivery path (D12): the
 * caller decides when to read the next page, so a slow client costs only its own reads.
 *
 * <p>Not thread-safe; one caller at a time (pages may be read from different threads in turn).
 */
public final class SubscriptionReplay {
  private final ChangeLog changeLog;
  private final String database;
  private final String collection;
  private final Matcher matcher = Matcher.linear();

  /** One change the subscription sees, and how. */
  public record Match(Event event, Op op) {}

  /**
   * What one read found: the matches in seq order and the seq every change up to which has been
   * examined ({@code readThrough}); no change in (afterSeq, readThrough] that concerns the
   * subscription is missing from {@code matches}.
   */
  public record Page(List<Match> matches, long readThrough) {}

  public SubscriptionReplay(ChangeLog changeLog, String database, String collection, List<Filter> filters) {
    this.changeLog = changeLog;
    this.database = database;
    this.collection = collection;
    matcher.add(CompiledSubscription.compile(new Subscription("replay", "replay", database, collection, filters)),
        null);
  }

  /**
   * Examines up to {@code maxChanges} changes after {@code afterSeq} (a page holds at most that many
   * changes, the caller's bound on memory). {@code readThrough} is {@code afterSeq} when the log has
   * nothing newer.
   *
   * @throws io.syntrix.store.ChangeLogTruncatedException if retention purged changes after {@code afterSeq}
   */
  public Page next(long afterSeq, int maxChanges) {
    List<ChangeEvent> batch = changeLog.read(afterSeq, maxChanges);
    List<Match> matches = new ArrayList<>();
    long readThrough = afterSeq;
    Op[] found = new Op[1];
    for (ChangeEvent change : batch) {
      String changed = Event.collectionOf(change);
      if (change.database().equals(database) && changed.equals(collection)) {
        found[0] = null;
        matcher.match(database, changed, flat(change.before()), flat(change.liveAfter()), (reg, op) -> found[0] = op);
        if (found[0] != null) {
          matches.add(new Match(Event.of(change, changed), found[0]));
        }
      }
      readThrough = change.seq();
    }
    return new Page(matches, readThrough);
  }

  private static MapValue flat(Document d) {
    return d == null ? null : d.toFlat();
  }
}
