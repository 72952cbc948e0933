package io.syntrix.streamer;

import java.util.Map;

/**
 * Why and where a stream ended, delivered once as the last signal of a stream.
 *
 * @param reason      why
 * @param resumeAfter per subscription id: the seq to pass as {@code resumeAfter} when resubscribing;
 *                    every matching change up to it has been delivered, none after it
 */
public record CutOff(Reason reason, Map<String, Long> resumeAfter) {
  public CutOff {
    resumeAfter = Map.copyOf(resumeAfter);
  }

  public enum Reason {
    /** The gateway's queue overflowed: it fell behind (D6; the gateway should send {@code slow_consumer}). */
    SLOW_CONSUMER,
    /** The delivery handler threw. */
    HANDLER_FAILED,
    /** The same gateway id opened a new stream. */
    REPLACED,
    /** The streamer fell behind change-log retention; resubscribing reports {@link SubscribeResult.Resume#RESET}. */
    LOG_TRUNCATED,
    /** The streamer is shutting down. */
    SHUTDOWN,
    /**
     * The link to a remote streamer broke or went silent (syntrix-link); the positions are the
     * gateway's own record of what it was handed. Reconnect and resubscribe with them.
     */
    LINK_LOST
  }
}
