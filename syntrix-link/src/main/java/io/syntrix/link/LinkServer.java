package io.syntrix.link;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.syntrix.link.proto.GatewayFrame;
import io.syntrix.link.proto.LinkGrpc;
import io.syntrix.link.proto.StreamerFrame;
import io.syntrix.streamer.Streamer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The streamer side of the link: a gRPC server that serves any {@link Streamer} (the
 * {@code InProcessStreamer} in practice) to remote gateways, one {@link LinkSession} per call.
 * It does not own the streamer: closing the server ends every call (the gateways see their link
 * lost), closing the streamer cuts every stream off with {@code SHUTDOWN} first.
 */
public final class LinkServer implements AutoCloseable {
  private final Server server;
  private final ScheduledExecutorService timer;

  private LinkServer(Server server, ScheduledExecutorService timer) {
    this.server = server;
    this.timer = timer;
  }

  /** Serves {@code streamer} on {@code address} (port 0: a free one, see {@link #port()}). */
  public static LinkServer start(Streamer streamer, InetSocketAddress address, LinkOptions options) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("syntrix-link-heartbeat-server").daemon().factory());
    Server server = NettyServerBuilder.forAddress(address)
        .addService(new Service(streamer, timer, options))
        .permitKeepAliveWithoutCalls(true)
        .build();
    try {
      server.start();
    } catch (IOException e) {
      timer.shutdownNow();
      throw new UncheckedIOException("cannot serve the link on " + address, e);
    }
    return new LinkServer(server, timer);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
  }

  private static final class Service extends LinkGrpc.LinkImplBase {
    private final Streamer streamer;
    private final ScheduledExecutorService timer;
    private final LinkOptions options;

    Service(Streamer streamer, ScheduledExecutorService timer, LinkOptions options) {
      this.streamer = streamer;
      this.timer = timer;
      this.options = options;
    }

    @Override
    public StreamObserver<GatewayFrame> connect(StreamObserver<StreamerFrame> responseObserver) {
      return new LinkSession(streamer, (ServerCallStreamObserver<StreamerFrame>) responseObserver, timer, options);
    }
  }
}
