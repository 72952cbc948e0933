package io.syntrix.server;

import io.syntrix.link.GrpcStreamer;
import io.syntrix.link.LinkOptions;
import io.syntrix.model.ErrorCode;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.DeliveryHandler;
import io.syntrix.streamer.EventDelivery;
import io.syntrix.streamer.Stream;
import io.syntrix.streamer.StreamerException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's way to its streamer: the first of the configured addresses whose streamer answers.
 * "Answers" means a probe stream is welcomed (the streamer is reachable, speaks the link's protocol
 * and accepts streams); the probe is closed at once and the gateway's hub opens its own stream.
 * No reconnect or failover yet (issue 12, items 3 and 4): a lost link shows on {@code /ready}.
 */
final class StreamerLinks {
  private static final Logger log = LoggerFactory.getLogger(StreamerLinks.class);

  private StreamerLinks() {}

  /**
   * Connects to the first streamer of {@code addresses} that answers.
   *
   * @throws StreamerException ({@code UNAVAILABLE}) if none does, naming each address's failure
   */
  static GrpcStreamer connect(List<InetSocketAddress> addresses, LinkOptions options) {
    StringBuilder failures = new StringBuilder();
    for (InetSocketAddress a : addresses) {
      GrpcStreamer streamer = GrpcStreamer.connect(a.getHostString(), a.getPort(), options);
      try {
        probe(streamer);
        log.info("linked to the streamer at {}:{}", a.getHostString(), a.getPort());
        return streamer;
      } catch (RuntimeException e) {
        streamer.close();
        log.warn("the streamer at {}:{} does not answer: {}", a.getHostString(), a.getPort(), e.getMessage());
        failures.append(failures.isEmpty() ? "" : "; ").append(a.getHostString()).append(':').append(a.getPort())
            .append(": ").append(e.getMessage());
      }
    }
    throw new StreamerException(ErrorCode.UNAVAILABLE, "no streamer answers (" + failures + ")");
  }

  private static void probe(GrpcStreamer streamer) {
    try (Stream stream = streamer.open("probe-" + UUID.randomUUID(), new DeliveryHandler() {
      @Override
      public void onDelivery(EventDelivery delivery) {}

      @Override
      public void onCutOff(CutOff cutOff) {}
    })) {
      if (!stream.isOpen()) {
        throw new StreamerException(ErrorCode.UNAVAILABLE, "the probe stream was cut off at once");
      }
    }
  }
}
