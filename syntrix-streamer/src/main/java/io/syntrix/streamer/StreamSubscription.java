package io.syntrix.streamer;

import io.syntrix.streamer.match.CompiledSubscription;
import io.syntrix.streamer.match.Registration;
import io.syntrix.streamer.match.Subscription;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One subscription of one stream: the attachment of its matcher {@link Registration}, so a match
 * leads straight to the stream that wants it.
 *
 * <p>Fields are written under the streamer's match lock, except {@code active} and the
 * unregistration claim, which an unsubscribe sets without it, and the delivery-side progress
 * fields, which only the stream's delivery thread touches.
 *
 * <p><b>Unregistration.</b> Several paths may want to take a subscription out of the matcher at
 * once (an unsubscribe on an event loop, a replacing subscribe, a cut-off, a close); whichever
 * wins {@link #claimUnregistration} removes its registration and counts it out of the
 * subscription gauge, so both happen exactly once.
 */
final class StreamSubscription {
  final String id;
  final InProcessStream stream;
  final CompiledSubscription compiled;
  /** The live point S: the puller position when it was registered. */
  final long liveAfter;
  /** Live changes with seq up to this are not delivered: max(S, resumeAfter). */
  final long skipThrough;
  /** Set under the match lock before the subscription is published in its stream's map. */
  Registration registration;
  /** False once unsubscribed, replaced or its stream closed; queued deliveries for it are then dropped. */
  volatile boolean active = true;
  @SuppressWarnings("unused") // through UNREGISTERED
  private volatile boolean unregistered;

  // Delivery thread only.
  /** True once its replay (if any) has completed or been abandoned. */
  boolean replayDone;
  /** While replaying: every matching change up to this seq has been delivered. */
  long replayedThrough;

  private static final VarHandle UNREGISTERED;

  static {
    try {
      UNREGISTERED = MethodHandles.lookup().findVarHandle(StreamSubscription.class, "unregistered", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  StreamSubscription(String id, InProcessStream stream, CompiledSubscription compiled, long liveAfter,
                      long skipThrough, long replayFrom) {
    this.id = id;
    this.stream = stream;
    this.compiled = compiled;
    this.liveAfter = liveAfter;
    this.skipThrough = skipThrough;
    this.replayDone = replayFrom < 0;
    this.replayedThrough = replayFrom;
  }

  /** Whether a change in {@code database} and {@code collection} (null: any) could concern it. */
  boolean concernedBy(String database, String collection) {
    Subscription s = compiled.subscription();
    return s.database().equals(database) && (collection == null || s.collection().equals(collection));
  }

  /** True for the one caller that gets to unregister this subscription. */
  boolean claimUnregistration() {
    return UNREGISTERED.compareAndSet(this, false, true);
  }

  /**
   * Where this subscription should resume if the stream ended now, given that every live delivery
   * up to {@code liveDeliveredThrough} has been handed over (see {@code InProcessStream}).
   */
  long resumeAfter(long liveDeliveredThrough) {
    return replayDone ? Math.max(skipThrough, liveDeliveredThrough) : replayedThrough;
  }
}
