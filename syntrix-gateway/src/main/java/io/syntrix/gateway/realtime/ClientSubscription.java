package io.syntrix.gateway.realtime;

import io.syntrix.model.Query;
import io.syntrix.streamer.SubscribeRequest;
import java.util.ArrayDeque;

/**
 * One subscription of one client connection, and its <em>gate</em>: the state that decides, per
 * change, whether an event goes to the client now, waits, or is already covered.
 *
 * <p><b>Positions.</b> {@code deliveredThrough}: every matching change up to this seq has been
 * queued to the client (by a snapshot, a catch-up or live delivery); a live event at or below it is
 * a duplicate and dropped. {@code livePoint}: the streamer delivers every matching change after it.
 *
 * <p><b>Catch-up.</b> While {@code catchingUp}, the client is being brought from
 * {@code deliveredThrough} to the live point by a snapshot and/or a change-log read, at its own
 * pace; live events are held meanwhile. Held events are bounded (per connection, in bytes): when
 * they overflow, the held ones are dropped and {@code gapThrough} remembers the newest dropped
 * seq, so the catch-up reads the log at least that far. Once {@code deliveredThrough} reaches
 * {@code max(livePoint, gapThrough)}, the held events after it are released and the subscription
 * is live. No change is lost or repeated whatever the client's pace.
 *
 * <p><b>Threads.</b> Every mutable field is guarded by the owning {@link Connection}'s monitor.
 */
final class ClientSubscription {
  /** What a client asked for. {@code resumeAfter} is {@link SubscribeRequest#LIVE} when not resuming. */
  record Spec(String clientId, Query query, boolean includeData, boolean sendSnapshot, long resumeAfter) {
    boolean resumes() {
      return resumeAfter != SubscribeRequest.LIVE;
    }
  }

  final String streamerId;
  final String database;
  final Spec spec;

  long livePoint = -1;
  long deliveredThrough = -1;
  long gapThrough = -1;
  boolean catchingUp = true;
  /** Registered with the hub (so closing must unregister it). */
  boolean registered;
  /** Closed by the client, the connection or a replacement; nothing more goes out for it. */
  boolean cancelled;
  final ArrayDeque<OutFrame> held = new ArrayDeque<>();
  long heldBytes;

  ClientSubscription(String streamerId, String database, Spec spec) {
    this.streamerId = streamerId;
    this.database = database;
    this.spec = spec;
  }

  String clientId() {
    return spec.clientId();
  }

  String collection() {
    return spec.query().collection().value();
  }
}
