package io.syntrix.streamer;

/**
 * The outcome of {@link Stream#subscribe}.
 *
 * @param liveAfterSeq the live point S: every matching change with seq &gt; S is delivered
 *                     live, in order, and none with seq &le; S is delivered live (for
 *                     {@code UP_TO_DATE}, S is the request's resumeAfter). A resumed
 *                     subscription's replay covers (resumeAfter, S] before the live deliveries.
 *                     For a snapshot, read a store {@code ReadSnapshot} at seq R and subscribe with
 *                     {@code resumeAfter = R}, or subscribe first and drop deliveries up to the
 *                     snapshot's R (docs/design/streamer.md, "What the gateway must do")
 * @param resume       what happened to {@code resumeAfter}
 */
public record SubscribeResult(String subscriptionId, long liveAfterSeq, Resume resume) {

  /** What the streamer did with a request's {@code resumeAfter}. */
  public enum Resume {
    /** The request did not resume. */
    NONE,
    /** The changes in (resumeAfter, liveAfterSeq] that match are replayed, in order, before any live delivery. */
    REPLAY,
    /** resumeAfter is at or after the streamer's position: nothing to replay; live deliveries start after it. */
    UP_TO_DATE,
    /** Retention has purged changes after resumeAfter: nothing is replayed, the gateway must send a reset snapshot. */
    RESET
  }
}
