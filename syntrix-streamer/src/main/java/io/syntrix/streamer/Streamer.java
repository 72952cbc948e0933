package io.syntrix.streamer;

/**
 * The realtime matcher as gateways see it (D7): one {@link Stream} per gateway, over which the
 * gateway registers subscriptions and receives pre-matched {@link EventDelivery}s. Standalone mode
 * wires {@link InProcessStreamer}; distributed mode puts the same interfaces on a gRPC stream
 * (syntrix-link: {@code LinkServer} serves a streamer, {@code GrpcStreamer} reaches it). Every
 * implementation passes {@code StreamerContractTest}.
 */
public interface Streamer extends AutoCloseable {

  /**
   * Opens the stream of gateway {@code gatewayId}. Gateway ids are stable across reconnects; opening
   * an id that already has a stream cuts the old one off ({@link CutOff.Reason#REPLACED}), so a
   * reconnecting gateway never leaves a zombie behind.
   *
   * @param handler receives this stream's deliveries and signals, on the stream's own delivery thread
   */
  Stream open(String gatewayId, DeliveryHandler handler);

  /**
   * True while the streamer matches changes: started, not closed, and its puller running (for
   * readiness probes; cheap, never blocks).
   */
  boolean isRunning();

  /** Why {@link #isRunning()} is false, for readiness probes (a sentence naming what stopped). */
  default String notRunningReason() {
    return "the streamer's puller is not running: realtime events stopped";
  }

  /** Stops matching and cuts off every open stream with {@link CutOff.Reason#SHUTDOWN}. */
  @Override
  void close();
}
