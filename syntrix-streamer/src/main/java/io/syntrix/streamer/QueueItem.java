package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent.Op;

/** What a stream's delivery queue holds, in the order the delivery thread must act on it. */
sealed interface QueueItem {

  /**
   * A live change for some of the stream's subscriptions (parallel arrays). Counts against the
   * capacity and, with {@code bytes} (the event's {@link EventSize} plus this item), the byte budget.
   */
  record Pending(Event event, StreamSubscription[] subscriptions, Op[] operations, long bytes) implements QueueItem {
    /** The item, its two arrays and the queue node, without the per-subscription references. */
    static final long OVERHEAD = 24 + 16 + 16 + 24;
  }

  /** Replay (afterSeq, throughSeq] from the change log for one subscription before anything queued after it. */
  record Replay(StreamSubscription subscription, long afterSeq, long throughSeq) implements QueueItem {}

  /** Change {@code seq} was skipped after failing; these subscriptions' collection may have seen it. Not counted. */
  record ChangeFailed(long seq, StreamSubscription[] subscriptions, String reason) implements QueueItem {}

  /** The stream was cut off; every change up to {@code through} was queued for it before this. */
  record End(CutOff.Reason reason, long through) implements QueueItem {}
}
