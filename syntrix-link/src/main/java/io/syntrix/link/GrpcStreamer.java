package io.syntrix.link;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.syntrix.link.proto.LinkGrpc;
import io.syntrix.model.ErrorCode;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.DeliveryHandler;
import io.syntrix.streamer.Stream;
import io.syntrix.streamer.Streamer;
import io.syntrix.streamer.StreamerException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway side of the link: a {@link Streamer} whose {@link Stream}s are gRPC calls to a
 * remote streamer served by {@link LinkServer}. One channel (one HTTP/2 connection) per instance;
 * a gateway process opens one stream on it (D7).
 *
 * <p>This class does not reconnect: a broken link cuts its streams off with
 * {@link CutOff.Reason#LINK_LOST} and per-subscription resume positions, and the caller (the
 * gateway's link client, a later step) opens a new stream and resubscribes with them.
 */
public final class GrpcStreamer implements Streamer {
  private final ManagedChannel channel;
  private final LinkGrpc.LinkStub stub;
  private final LinkOptions options;
  private final ScheduledExecutorService timer;
  private final Set<GrpcStream> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  /** What the streamer last said about itself (Welcome and heartbeats of any stream); false once a link is lost. */
  volatile boolean remoteRunning = true;

  private final String target;

  private GrpcStreamer(ManagedChannel channel, LinkOptions options, String target) {
    this.target = target;
    this.channel = channel;
    this.stub = LinkGrpc.newStub(channel);
    this.options = options;
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("syntrix-link-heartbeat-gateway").daemon().factory());
  }

  /** A streamer at {@code host:port}, over plaintext HTTP/2 (the link runs inside the cluster's network). */
  public static GrpcStreamer connect(String host, int port, LinkOptions options) {
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
        .flowControlWindow(options.flowControlWindow())
        .build();
    return new GrpcStreamer(channel, options, host + ":" + port);
  }

  /**
   * Opens the stream of {@code gatewayId} and waits for the streamer's Welcome.
   *
   * @throws StreamerException ({@code UNAVAILABLE}) if this streamer is closed or the remote one
   *                           cannot be reached or refuses the stream within the request timeout
   */
  @Override
  public Stream open(String gatewayId, DeliveryHandler handler) {
    if (closed) {
      throw new StreamerException(ErrorCode.UNAVAILABLE, "the link client is closed");
    }
    GrpcStream stream = new GrpcStream(this, gatewayId, handler, options, timer);
    streams.add(stream);
    try {
      stream.start(stub);
    } catch (RuntimeException e) {
      streams.remove(stream);
      throw e;
    }
    return stream;
  }

  void remove(GrpcStream stream) {
    streams.remove(stream);
  }

  /**
   * True while the link is usable as far as this end knows: not closed, the channel not failed,
   * no stream's link lost since the last Welcome, and the streamer's last Welcome or heartbeat
   * said it was matching.
   */
  @Override
  public boolean isRunning() {
    if (closed) {
      return false;
    }
    ConnectivityState s = channel.getState(false);
    return s != ConnectivityState.SHUTDOWN && s != ConnectivityState.TRANSIENT_FAILURE && remoteRunning;
  }

  @Override
  public String notRunningReason() {
    if (closed) {
      return "the link to the streamer at " + target + " is closed: realtime events stopped";
    }
    return remoteRunning
        ? "the link to the streamer at " + target + " is down (" + channel.getState(false) + "): realtime events stopped"
        : "the link to the streamer at " + target + " was lost, or the streamer stopped or shut down: realtime "
            + "events stopped";
  }

  /** Cuts every open stream off with {@link CutOff.Reason#SHUTDOWN} and closes the channel. */
  @Override
  public void close() {
    closed = true;
    for (GrpcStream s : streams) {
      s.shutdown();
    }
    for (GrpcStream s : streams) {
      s.awaitDelivered(5, TimeUnit.SECONDS);
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
  }
}
