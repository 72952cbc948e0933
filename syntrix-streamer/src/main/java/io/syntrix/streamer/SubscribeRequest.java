package io.syntrix.streamer;

import io.syntrix.model.Filter;
import io.syntrix.model.InvalidInputException;
import java.util.List;

/**
 * A subscription as a gateway asks for it.
 *
 * @param subscriptionId unique on the stream; reusing one replaces that subscription
 * @param filters        ANDed D4 filters (validated when the {@link Filter}s were built)
 * @param resumeAfter    {@link #LIVE} for a new subscription, or the seq of the last change the
 *                       client has seen: every matching change after it is delivered, replayed from
 *                       the change log first (see {@link SubscribeResult.Resume})
 */
public record SubscribeRequest(String subscriptionId, String database, String collection, List<Filter> filters,
                               long resumeAfter) {
  /** No resume: the subscription starts live. */
  public static final long LIVE = -1;

  public SubscribeRequest {
    InvalidInputException.check(subscriptionId != null && !subscriptionId.isEmpty(), "subscription id is empty");
    InvalidInputException.check(resumeAfter >= LIVE, "resumeAfter must be a seq (>= 0)");
    filters = List.copyOf(filters);
  }

  public static SubscribeRequest live(String subscriptionId, String database, String collection, List<Filter> filters) {
    return new SubscribeRequest(subscriptionId, database, collection, filters, LIVE);
  }

  public SubscribeRequest withResumeAfter(long seq) {
    return new SubscribeRequest(subscriptionId, database, collection, filters, seq);
  }

  public boolean resumes() {
    return resumeAfter != LIVE;
  }
}
