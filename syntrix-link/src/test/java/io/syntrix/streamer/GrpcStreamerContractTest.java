package io.syntrix.streamer;

import io.syntrix.link.GrpcStreamer;
import io.syntrix.link.LinkOptions;
import io.syntrix.link.LinkServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The streamer contract over the link: a {@link LinkServer} on 127.0.0.1 (a free port, real
 * sockets) serves the in-process streamer, and each {@link #connect()} is a new
 * {@link GrpcStreamer}, i.e. another gateway process with its own connection. The link's buffers
 * are kept small (64 KiB window and inbox) so a slow gateway reaches the streamer's budget soon.
 */
class GrpcStreamerContractTest extends StreamerContractTest {
  static final LinkOptions LINK = LinkOptions.defaults().withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(3))
      .withInboxBytes(64 << 10).withFlowControlWindow(64 << 10);

  private LinkServer server;
  private final List<GrpcStreamer> clients = new ArrayList<>();

  @Override
  protected Streamer connect() {
    if (server == null) {
      server = LinkServer.start(streamer, new InetSocketAddress("127.0.0.1", 0), LINK);
    }
    GrpcStreamer client = GrpcStreamer.connect("127.0.0.1", server.port(), LINK);
    clients.add(client);
    return client;
  }

  @AfterEach
  void closeLink() {
    clients.forEach(GrpcStreamer::close);
    if (server != null) {
      server.close();
    }
  }
}
