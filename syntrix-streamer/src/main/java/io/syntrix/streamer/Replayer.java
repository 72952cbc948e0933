package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;
import io.syntrix.model.MapValue;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.ChangeLogTruncatedException;
import io.syntrix.streamer.match.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the change log for resuming subscriptions, on their stream's delivery thread.
 *
 * <p>A group is a run of consecutive {@link QueueItem.Replay} items of one queue (a gateway that
 * reconnects resubscribes many subscriptions at once): nothing was queued between them, so
 * replaying them together, in one pass over the log, keeps every ordering guarantee. The group's
 * subscriptions go into a private {@link Matcher} (the live index is the puller's); each change in
 * (min afterSeq, max throughSeq] is matched once and delivered to the subscriptions whose own range
 * contains its seq. Deliveries are handed to the handler directly, not queued: a long replay costs
 * the gateway time, never queue capacity.
 */
final class Replayer {
  private static final Logger log = LoggerFactory.getLogger(Replayer.class);
  private final ChangeLog changeLog;
  private final int readBatch;
  private final DeliveryHandler handler;
  private final StreamerMetrics metrics;
  private final Consumer<ChangeEvent> inspect;

  Replayer(ChangeLog changeLog, int readBatch, DeliveryHandler handler, StreamerMetrics metrics,
           Consumer<ChangeEvent> inspect) {
    this.changeLog = changeLog;
    this.readBatch = readBatch;
    this.metrics = metrics;
    this.handler = handler;
    this.inspect = inspect;
  }

  /** Replays the group; returns early when {@code stop} says so. Handler exceptions propagate. */
  void run(List<QueueItem.Replay> group, BooleanSupplier stop) {
    Matcher matcher = Matcher.indexed();
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (QueueItem.Replay r : group) {
      if (r.subscription().active) {
        matcher.add(r.subscription().compiled, r);
        from = Math.min(from, r.afterSeq());
        to = Math.max(to, r.throughSeq());
      }
    }
    metrics.replayStarted();
    try {
      replay(group, matcher, from, to, stop);
    } catch (ChangeLogTruncatedException e) {
      for (QueueItem.Replay r : group) {
        StreamSubscription s = r.subscription();
        if (s.active && s.replayedThrough < r.throughSeq()) {
          metrics.resets.increment();
          handler.onReset(s.id, s.liveAfter);
        }
      }
    } finally {
      metrics.replayEnded();
    }
    for (QueueItem.Replay r : group) {
      r.subscription().replayDone = true;
    }
  }

  private void replay(List<QueueItem.Replay> group, Matcher matcher, long from, long to, BooleanSupplier stop) {
    List<QueueItem.Replay> hits = new ArrayList<>();
    List<Op> ops = new ArrayList<>();
    long position = from;
    while (position < to && !stop.getAsBoolean()) {
      List<ChangeEvent> batch = changeLog.read(position, (int) Math.min(readBatch, to - position));
      if (batch.isEmpty()) {
        return; // cannot happen below the puller's position; be safe rather than spin
      }
      for (ChangeEvent change : batch) {
        long seq = change.seq();
        String collection;
        try {
          collection = Event.collectionOf(change);
          inspect.accept(change);
          matcher.match(change.database(), collection, flat(change.before()), flat(change.liveAfter()), (reg, op) -> {
            QueueItem.Replay r = (QueueItem.Replay) reg.attachment();
            if (seq > r.afterSeq() && seq <= r.throughSeq() && r.subscription().active) {
              hits.add(r);
              ops.add(op);
            }
          });
        } catch (RuntimeException e) {
          hits.clear();
          ops.clear();
          changeFailed(group, change, e);
          position = seq;
          continue;
        }
        if (!hits.isEmpty()) {
          List<String> ids = new ArrayList<>(hits.size());
          for (QueueItem.Replay r : hits) {
            ids.add(r.subscription().id);
          }
          handler.onDelivery(new EventDelivery(ids, ops, Event.of(change, collection)));
          metrics.replayDeliveries.increment();
          for (QueueItem.Replay r : hits) {
            r.subscription().replayedThrough = seq;
          }
          hits.clear();
          ops.clear();
        }
        position = seq;
      }
      for (QueueItem.Replay r : group) { // everything up to position is delivered
        StreamSubscription s = r.subscription();
        s.replayedThrough = Math.max(s.replayedThrough, Math.min(position, r.throughSeq()));
      }
    }
  }

  /**
   * A change that cannot be processed is skipped here as the puller skips it, without its retries
   * (they would hold up the gateway's delivery thread, and the puller already tried): the
   * replaying subscriptions it could concern hear {@link DeliveryHandler#onChangeFailed}.
   */
  private void changeFailed(List<QueueItem.Replay> group, ChangeEvent change, RuntimeException error) {
    long seq = change.seq();
    log.warn("replay skips change {} ({} {}): it cannot be processed", seq, change.database(), change.path().value(),
        error);
    String collection = InProcessStreamer.collectionOrNull(change);
    List<String> ids = new ArrayList<>();
    for (QueueItem.Replay r : group) {
      StreamSubscription s = r.subscription();
      if (s.active && seq > r.afterSeq() && seq <= r.throughSeq() && s.concernedBy(change.database(), collection)) {
        ids.add(s.id);
      }
    }
    if (!ids.isEmpty()) {
      handler.onChangeFailed(List.copyOf(ids), seq, InProcessStreamer.reasonOf(error));
    }
  }

  private static MapValue flat(Document d) {
    return d == null ? null : d.toFlat();
  }
}
