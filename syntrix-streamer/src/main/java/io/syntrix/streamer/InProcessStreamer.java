package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.store.ChangeLog;
import io.syntrix.streamer.match.CompiledSubscription;
import io.syntrix.streamer.match.MatchSink;
import io.syntrix.streamer.match.Matcher;
import io.syntrix.streamer.match.Registration;
import io.syntrix.streamer.match.Subscription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streamer of standalone mode: a puller tails the store's change log, matches every change
 * once against all live subscriptions and queues one {@link EventDelivery} per gateway with
 * matches (D6, D7).
 *
 * <p><b>Model.</b> {@code position} is the seq of the last change fully processed: matched and its
 * deliveries queued. Matching a change and advancing {@code position} happen under one lock, the
 * <em>match lock</em>, which subscribe, open and close also take. So a subscription
 * registered when {@code position} is S is matched against exactly the changes after S: this is
 * its <em>live point</em>, and the seam between replay and live delivery.
 *
 * <p><b>Resume.</b> {@code subscribe} with {@code resumeAfter = R < S} registers the subscription
 * at S and, under the same lock, queues a replay marker for (R, S] on its stream before any live
 * delivery can be queued for it. The stream's delivery thread replays (R, S] from the change log
 * when it reaches the marker, then goes on with the queue, whose deliveries for that subscription
 * are all after S: no gap, no duplicate, in order. With R &ge; S nothing is replayed and live
 * deliveries start after R. If retention already purged changes after R, nothing is replayed and
 * the result says {@code RESET}.
 *
 * <p><b>Threads.</b> The puller thread ({@code syntrix-streamer-puller}) flattens each change's
 * images outside the lock, then matches and queues under it; it never blocks on a gateway. Each
 * stream has its delivery thread. The match lock is fair, so a subscribe waits for at most the
 * change being matched. Unsubscribe never waits for it (gateways call it on event loops): it
 * deactivates the subscription at once, which the delivery thread checks before every handover,
 * and queues the removal of its registration for the next holder of the lock
 * ({@code unlockMatch}). Metrics: {@link StreamerMetrics}.
 *
 * <p><b>Failures.</b> A stream queue over its item or byte budget cuts that stream off (others
 * are untouched). A change that fails to be processed is retried and, after a few attempts,
 * skipped: the streams with subscriptions on its collection hear
 * {@link DeliveryHandler#onChangeFailed} and everything else goes on (see {@link Puller}). If the
 * puller falls behind retention, every stream is cut off with {@code LOG_TRUNCATED}. The position
 * is checkpointed ({@link Puller}); a restarted streamer resumes where it stopped.
 */
public final class InProcessStreamer implements Streamer {
  private static final Logger log = LoggerFactory.getLogger(InProcessStreamer.class);

  private final ChangeLog changeLog;
  private final StreamerOptions options;
  private final StreamerMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Matcher matcher = Matcher.indexed();
  private final HashMap<String, InProcessStream> streams = new HashMap<>();
  private final Puller puller;
  /** Registrations of unsubscribed subscriptions, left for the next holder of the match lock to remove. */
  private final ConcurrentLinkedQueue<Registration> removals = new ConcurrentLinkedQueue<>();
  private final AtomicInteger liveSubscriptions = new AtomicInteger();
  private volatile long position;
  /** Processing time minus commit time of the change at {@code position}, ms. */
  private volatile long lagMillis;
  private volatile boolean closed;

  /**
   * For tests: sees every change just before it is matched, by the puller and by replays, and may
   * throw to play a change that cannot be processed (there is no real one to hand: the store
   * refuses malformed documents).
   */
  volatile Consumer<ChangeEvent> beforeMatch;

  // The change being matched: puller thread, under the match lock.
  private long matchingSeq;
  private final List<InProcessStream> touched = new ArrayList<>();
  private final MatchSink stage = this::stage;

  private InProcessStreamer(ChangeLog changeLog, StreamerOptions options) {
    this.changeLog = changeLog;
    this.options = options;
    long start = Puller.startPosition(changeLog, options.checkpoint());
    this.position = start;
    this.metrics = new StreamerMetrics(options.meters(), liveSubscriptions::get, () -> position,
        () -> Math.max(0, changeLog.lastSeq() - position), () -> lagMillis);
    this.puller = new Puller(changeLog, options, start, new Puller.Consumer() {
      @Override
      public void accept(ChangeEvent change) {
        process(change);
      }

      @Override
      public void truncated(long lostAfter, long firstRetained) {
        skipTruncated(lostAfter, firstRetained);
      }

      @Override
      public void failed(ChangeEvent change, RuntimeException error) {
        skipFailed(change, error);
      }
    });
  }

  /** Starts a streamer on {@code changeLog}, after the checkpointed position (or at the head). */
  public static InProcessStreamer start(ChangeLog changeLog, StreamerOptions options) {
    InProcessStreamer streamer = new InProcessStreamer(changeLog, options);
    streamer.puller.start();
    return streamer;
  }

  @Override
  public boolean isRunning() {
    return !closed && puller.isRunning();
  }

  /** The seq of the last change fully processed (matched and queued). */
  public long position() {
    return position;
  }

  ChangeLog changeLog() {
    return changeLog;
  }

  StreamerOptions options() {
    return options;
  }

  StreamerMetrics metrics() {
    return metrics;
  }

  /** For tests: runs {@code action} holding the match lock, as a slow matcher or subscribe would. */
  void underMatchLock(Runnable action) {
    lockMatch();
    try {
      action.run();
    } finally {
      unlockMatch();
    }
  }

  /** For tests: registrations in the matcher, which trail unsubscribes until the lock is next free. */
  int registrations() {
    lock.lock(); // without draining first: tests see what the last holder left
    try {
      return matcher.size();
    } finally {
      unlockMatch();
    }
  }

  @Override
  public Stream open(String gatewayId, DeliveryHandler handler) {
    InvalidInputException.check(gatewayId != null && !gatewayId.isEmpty(), "gateway id is empty");
    InProcessStream stream;
    lockMatch();
    try {
      if (closed) {
        throw new StreamerException(ErrorCode.UNAVAILABLE, "the streamer is closed");
      }
      InProcessStream old = streams.get(gatewayId);
      if (old != null) {
        cutOff(old, CutOff.Reason.REPLACED, position);
      }
      stream = new InProcessStream(this, gatewayId, handler, options.queueCapacity(), options.queueBytes());
      streams.put(gatewayId, stream);
      stream.gauges = metrics.queueGauges(stream); // after the old stream's gauges left
    } finally {
      unlockMatch();
    }
    stream.start();
    return stream;
  }

  SubscribeResult subscribe(InProcessStream stream, SubscribeRequest request) {
    CompiledSubscription compiled = CompiledSubscription.compile(new Subscription(request.subscriptionId(),
        stream.gatewayId(), request.database(), request.collection(), request.filters()));
    lockMatch();
    try {
      if (stream.state() != InProcessStream.State.OPEN) {
        throw StreamerException.streamClosed(stream.gatewayId(),
            stream.state().name().toLowerCase(java.util.Locale.ROOT));
      }
      long livePoint = position;
      long skipThrough = livePoint;
      long replayFrom = -1;
      SubscribeResult.Resume resume = SubscribeResult.Resume.NONE;
      if (request.resumes()) {
        long after = request.resumeAfter();
        if (after >= livePoint) {
          skipThrough = after;
          resume = SubscribeResult.Resume.UP_TO_DATE;
        } else if (after + 1 < changeLog.firstSeq()) {
          resume = SubscribeResult.Resume.RESET;
          metrics.resets.increment();
        } else {
          replayFrom = after;
          resume = SubscribeResult.Resume.REPLAY;
        }
      }
      StreamSubscription s = new StreamSubscription(request.subscriptionId(), stream, compiled, livePoint,
          skipThrough, replayFrom);
      s.registration = matcher.add(compiled, s); // before it is published: an unsubscribe may take it at once
      liveSubscriptions.incrementAndGet();
      // One atomic swap, so a concurrent unsubscribe of this id finds the old or the new one, never neither.
      StreamSubscription replaced = stream.subscriptions.put(s.id, s);
      if (replaced != null) {
        replaced.active = false;
        unregister(replaced);
      }
      if (replayFrom >= 0) {
        stream.enqueue(new QueueItem.Replay(s, replayFrom, livePoint));
      }
      return new SubscribeResult(s.id, skipThrough, resume);
    } finally {
      unlockMatch();
    }
  }

  /**
   * Never waits for the match lock: event loops call this. Deactivating the subscription is what
   * stops its deliveries (the delivery thread checks it before every handover); its matcher
   * registration is removed by whoever holds the lock next ({@code unlockMatch}), or here if the
   * lock is free.
   */
  boolean unsubscribe(InProcessStream stream, String subscriptionId) {
    if (stream.state() != InProcessStream.State.OPEN) {
      return false;
    }
    StreamSubscription s = stream.subscriptions.remove(subscriptionId);
    if (s == null) {
      return false;
    }
    s.active = false;
    if (s.claimUnregistration()) {
      liveSubscriptions.decrementAndGet();
      removals.add(s.registration);
      if (lock.tryLock()) { // barges past waiters, but never blocks
        unlockMatch();
      }
    }
    return true;
  }

  /** Takes one subscription out of the matcher, unless another path already did. Under the match lock. */
  private void unregister(StreamSubscription s) {
    if (s.claimUnregistration()) {
      matcher.remove(s.registration);
      liveSubscriptions.decrementAndGet();
    }
  }

  /** Takes the match lock; then the matcher holds no registration unsubscribed before. */
  private void lockMatch() {
    lock.lock();
    drainRemovals();
  }

  /**
   * Releases the match lock after removing the registrations unsubscribed meanwhile. An unsubscribe
   * that queues a removal while the lock is held and then fails its {@code tryLock} did so before
   * this unlock, so the check after it sees the removal: none is left behind.
   */
  private void unlockMatch() {
    drainRemovals();
    lock.unlock();
    while (!removals.isEmpty() && lock.tryLock()) {
      drainRemovals();
      lock.unlock();
    }
  }

  private void drainRemovals() {
    Registration r;
    while ((r = removals.poll()) != null) {
      matcher.remove(r);
    }
  }

  /** The gateway closed its stream: its subscriptions go, nothing more is delivered. */
  void closeStream(InProcessStream stream) {
    lockMatch();
    try {
      if (!stream.transition(InProcessStream.State.OPEN, InProcessStream.State.CLOSED)) {
        stream.transition(InProcessStream.State.CUT_OFF, InProcessStream.State.CLOSED);
      }
      for (StreamSubscription s : stream.subscriptions.values()) {
        s.active = false;
        unregister(s); // a no-op for those a cut-off already took out
      }
      forget(stream);
    } finally {
      unlockMatch();
    }
  }

  /** Drops a stream from the gateway table (if still the gateway's current one) and its gauge. Match lock. */
  private void forget(InProcessStream stream) {
    if (streams.remove(stream.gatewayId(), stream)) {
      metrics.remove(stream.gauges);
    }
  }

  /** The stream's handler threw: take it out of matching (its delivery thread signals the cut-off). */
  void cutOffFailedStream(InProcessStream stream) {
    lockMatch();
    try {
      if (stream.transition(InProcessStream.State.OPEN, InProcessStream.State.CUT_OFF)) {
        unregisterAll(stream);
        metrics.cutOff(CutOff.Reason.HANDLER_FAILED);
      }
    } finally {
      unlockMatch();
    }
  }

  /**
   * Cuts an OPEN stream off: its subscriptions leave the matcher and an End marker follows whatever
   * is queued. {@code through}: every change up to it has been processed for this stream. Under the
   * match lock.
   */
  private void cutOff(InProcessStream stream, CutOff.Reason reason, long through) {
    if (stream.transition(InProcessStream.State.OPEN, InProcessStream.State.CUT_OFF)) {
      unregisterAll(stream);
      stream.enqueue(new QueueItem.End(reason, through));
      metrics.cutOff(reason);
    }
  }

  /** Takes a stream's subscriptions out of matching but leaves them active: what is queued still goes out. */
  private void unregisterAll(InProcessStream stream) {
    for (StreamSubscription s : stream.subscriptions.values()) {
      unregister(s);
    }
    forget(stream);
  }

  // ---- puller thread ----

  /** Matches one change and queues its deliveries; the position then moves to its seq. */
  private void process(ChangeEvent change) {
    long started = System.nanoTime();
    MapValue before = flat(change.before());
    MapValue after = flat(change.liveAfter());
    String collection = Event.collectionOf(change);
    int matched = 0;
    lockMatch();
    try {
      matchingSeq = change.seq();
      try {
        inspect(change);
        matcher.match(change.database(), collection, before, after, stage);
      } catch (RuntimeException e) {
        discardStaged(); // nothing of this change is queued yet, so the puller can retry it cleanly
        throw e;
      }
      // Nothing below fails short of the JVM, so no change is ever half queued.
      if (!touched.isEmpty()) {
        Event event = Event.of(change, collection);
        long eventBytes = EventSize.of(event);
        for (InProcessStream stream : touched) {
          int n = stream.stagedCount();
          if (stream.offerStaged(event, eventBytes)) {
            matched += n;
          } else {
            log.warn("gateway {} fell behind at seq {}: {}; cutting its stream off", stream.gatewayId(),
                change.seq(), stream.budgetReport());
            cutOff(stream, CutOff.Reason.SLOW_CONSUMER, change.seq() - 1);
          }
        }
        touched.clear();
      }
      position = change.seq();
      lagMillis = Math.max(0, System.currentTimeMillis() - change.timestamp());
    } finally {
      unlockMatch();
    }
    metrics.recordMatch(System.nanoTime() - started, matched);
  }

  private void stage(Registration registration, Op op) {
    StreamSubscription s = (StreamSubscription) registration.attachment();
    if (matchingSeq > s.skipThrough && s.active && s.stream.stage(s, op)) {
      touched.add(s.stream);
    }
  }

  private static MapValue flat(Document d) {
    return d == null ? null : d.toFlat();
  }

  void inspect(ChangeEvent change) {
    var hook = beforeMatch;
    if (hook != null) {
      hook.accept(change);
    }
  }

  private void discardStaged() {
    for (InProcessStream stream : touched) {
      stream.discardStaged();
    }
    touched.clear();
  }

  /**
   * The puller gave up on a change: every stream with a live subscription on its database and
   * collection (that had not resumed past it) hears which of them may have missed it, in stream
   * order; the position moves past it.
   */
  private void skipFailed(ChangeEvent change, RuntimeException error) {
    String reason = reasonOf(error);
    long seq = change.seq();
    String collection = collectionOrNull(change);
    lockMatch();
    try {
      discardStaged();
      for (InProcessStream stream : streams.values()) {
        List<StreamSubscription> concerned = new ArrayList<>();
        for (StreamSubscription s : stream.subscriptions.values()) {
          if (s.active && seq > s.skipThrough && s.concernedBy(change.database(), collection)) {
            concerned.add(s);
          }
        }
        if (!concerned.isEmpty()) {
          stream.enqueue(new QueueItem.ChangeFailed(seq, concerned.toArray(StreamSubscription[]::new), reason));
        }
      }
      position = seq;
    } finally {
      unlockMatch();
    }
    metrics.changesFailed.increment();
  }

  static String reasonOf(RuntimeException error) {
    return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
  }

  /** The change's collection, or null if even that cannot be told (then its whole database is concerned). */
  static String collectionOrNull(ChangeEvent change) {
    try {
      return Event.collectionOf(change);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The puller lost changes to retention: every stream has missed them and is cut off. */
  private void skipTruncated(long lostAfter, long firstRetained) {
    lockMatch();
    try {
      for (InProcessStream stream : List.copyOf(streams.values())) {
        cutOff(stream, CutOff.Reason.LOG_TRUNCATED, lostAfter);
      }
      position = firstRetained - 1;
    } finally {
      unlockMatch();
    }
  }

  /**
   * Stops the puller (recording its position), then cuts every stream off with {@code SHUTDOWN}
   * after what is queued for it, and waits a little for those signals to be handed over.
   */
  @Override
  public void close() {
    List<InProcessStream> open;
    lockMatch();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      unlockMatch();
    }
    puller.close();
    lockMatch();
    try {
      open = List.copyOf(streams.values());
      for (InProcessStream stream : open) {
        cutOff(stream, CutOff.Reason.SHUTDOWN, position);
      }
    } finally {
      unlockMatch();
    }
    for (InProcessStream stream : open) {
      if (!stream.join(5, TimeUnit.SECONDS)) {
        log.warn("{} did not finish its deliveries within 5 s of shutdown", stream);
      }
    }
    metrics.close();
    log.info("streamer closed at seq {}", position);
  }
}
