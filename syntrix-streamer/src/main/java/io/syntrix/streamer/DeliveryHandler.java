package io.syntrix.streamer;

import java.util.List;

/**
 * What a gateway supplies to receive a stream's output.
 *
 * <p><b>Threads.</b> Every method is called on the stream's own delivery thread
 * ({@code syntrix-streamer-delivery-<gatewayId>}), one call at a time, in stream order. A slow
 * handler delays only its own stream; once the stream's queue is full the stream is cut off
 * ({@link #onCutOff}). A handler that throws also cuts its stream off
 * ({@link CutOff.Reason#HANDLER_FAILED}); it never affects other streams.
 */
public interface DeliveryHandler {

  /** One change matched by one or more of this gateway's subscriptions. */
  void onDelivery(EventDelivery delivery);

  /**
   * The replay of a resuming subscription could not be completed: retention purged changes it
   * needed while it was being replayed. The subscription stays live after
   * {@code liveAfterSeq}; the gateway must send the client a fresh ("reset") snapshot.
   */
  default void onReset(String subscriptionId, long liveAfterSeq) {}

  /**
   * The change {@code seq} could not be processed (it failed several attempts, for
   * {@code reason}) and was skipped; it concerned these subscriptions' database and collection, so
   * each may have missed an event. They stay live: later changes are delivered as usual, and a
   * resume position past {@code seq} does not bring it back. The gateway may tell the clients
   * (e.g. send a fresh snapshot) or only log it. Called on the delivery thread, in stream order.
   */
  default void onChangeFailed(List<String> subscriptionIds, long seq, String reason) {}

  /**
   * The stream has ended for the reason given; it is the last call. Every delivery queued before
   * the cut-off was handed over first (except after a handler failure). Reopen the stream and
   * resubscribe each subscription with {@code resumeAfter = cutOff.resumeAfter().get(id)} to get
   * exactly the changes it has not received.
   */
  void onCutOff(CutOff cutOff);
}
