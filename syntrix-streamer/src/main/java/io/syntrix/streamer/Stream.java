package io.syntrix.streamer;

/**
 * One gateway's connection to the streamer. Subscribe and unsubscribe may be called from any
 * thread, including the delivery handler's, while events flow.
 *
 * <p><b>Ordering.</b> For each subscription, deliveries come in seq order, each matching change
 * exactly once: first the replayed changes (when it resumed), then the live ones. Deliveries of
 * different subscriptions are in seq order too, except that a replay runs when its subscription
 * is registered, so it carries older seqs than live deliveries of other subscriptions before it.
 */
public interface Stream extends AutoCloseable {

  String gatewayId();

  /**
   * Registers a subscription; from the returned {@link SubscribeResult#liveAfterSeq()} on, every
   * matching change reaches the handler. A subscription id that is already registered on this
   * stream is replaced atomically (the old one receives nothing more).
   *
   * @throws StreamerException if the stream was cut off or closed
   * @throws io.syntrix.model.InvalidInputException if the request is malformed
   */
  SubscribeResult subscribe(SubscribeRequest request);

  /**
   * Removes a subscription: no delivery handed to the handler after this returns mentions it
   * (one already being handed over may). Returns false if it was not registered. Never blocks, so
   * it may be called on an event loop.
   */
  boolean unsubscribe(String subscriptionId);

  /** True until the stream is cut off or closed. */
  boolean isOpen();

  /**
   * Closes the stream: its subscriptions are removed, undelivered deliveries are discarded and the
   * delivery thread stops (it is interrupted if the handler is blocked). No signal is sent.
   */
  @Override
  void close();
}
