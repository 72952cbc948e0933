package io.syntrix.link;

import java.time.Duration;

/**
 * Settings of both ends of the link.
 *
 * @param heartbeatInterval how often each end sends a heartbeat (default 1 s)
 * @param heartbeatTimeout  how long an end waits without hearing anything before it gives the
 *                          link up (default 5 s); the gateway does not count time during which it
 *                          has itself stopped reading (it is behind, not the streamer)
 * @param inboxBytes        the gateway's high-water mark: serialized bytes of frames received but
 *                          not yet handed to its {@code DeliveryHandler} above which it stops
 *                          reading, so gRPC's flow control pushes back on the streamer
 *                          (default 4 MiB; reading resumes below half of it)
 * @param flowControlWindow the gateway's HTTP/2 window in bytes (default 1 MiB): what the streamer
 *                          may send ahead of the gateway's reads
 * @param requestTimeout    how long {@code open} and {@code subscribe} wait for the streamer's
 *                          answer (default 10 s)
 */
public record LinkOptions(Duration heartbeatInterval, Duration heartbeatTimeout, long inboxBytes,
                          int flowControlWindow, Duration requestTimeout) {
  /** The protocol version in Hello and Welcome. */
  static final int PROTOCOL_VERSION = 1;

  public LinkOptions {
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()
        || heartbeatTimeout.compareTo(heartbeatInterval) <= 0 || inboxBytes < 1 || flowControlWindow < 1
        || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("the heartbeat interval, the inbox, the window and the request timeout must "
          + "be positive and the heartbeat timeout longer than the interval");
    }
  }

  public static LinkOptions defaults() {
    return new LinkOptions(Duration.ofSeconds(1), Duration.ofSeconds(5), 4L << 20, 1 << 20, Duration.ofSeconds(10));
  }

  public LinkOptions withHeartbeat(Duration interval, Duration timeout) {
    return new LinkOptions(interval, timeout, inboxBytes, flowControlWindow, requestTimeout);
  }

  public LinkOptions withInboxBytes(long inboxBytes) {
    return new LinkOptions(heartbeatInterval, heartbeatTimeout, inboxBytes, flowControlWindow, requestTimeout);
  }

  public LinkOptions withFlowControlWindow(int flowControlWindow) {
    return new LinkOptions(heartbeatInterval, heartbeatTimeout, inboxBytes, flowControlWindow, requestTimeout);
  }
}
