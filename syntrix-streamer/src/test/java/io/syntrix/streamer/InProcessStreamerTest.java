package io.syntrix.streamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.StringValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-process streamer end to end on the real store: deliveries, operations, lifecycle, metrics. */
class InProcessStreamerTest extends StreamerTestSupport {
  static final Duration WAIT = Duration.ofSeconds(10);

  @BeforeEach
  void start() {
    openStore();
    startStreamer(defaults());
  }

  SubscribeResult subscribe(Stream stream, String id, String filtersJson) {
    return stream.subscribe(SubscribeRequest.live(id, DB, ROOMS, filters(filtersJson)));
  }

  @Test
  void oneDeliveryPerGatewayWithAnOperationPerSubscription() {
    RecordingHandler h1 = new RecordingHandler();
    RecordingHandler h2 = new RecordingHandler();
    Stream gw1 = streamer.open("gw1", h1);
    Stream gw2 = streamer.open("gw2", h2);
    subscribe(gw1, "A", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]");
    subscribe(gw1, "B", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"b\"}]");
    subscribe(gw2, "C", "[{\"field\":\"score\",\"op\":\">\",\"value\":5}]");
    long s1 = put("d1", "{\"room\":\"a\",\"score\":9}");
    long s2 = put("d1", "{\"room\":\"b\",\"score\":7}");
    long s3 = delete("d1");
    await().atMost(WAIT).until(() -> h1.deliveries.size() == 3 && h2.deliveries.size() == 3);

    EventDelivery moved = h1.deliveries.get(1);
    assertThat(moved.seq()).isEqualTo(s2);
    assertThat(Map.of(moved.subscriptionIds().get(0), moved.operations().get(0), moved.subscriptionIds().get(1),
        moved.operations().get(1))).isEqualTo(Map.of("A", Op.DELETE, "B", Op.CREATE));
    for (int i = 0; i < 2; i++) {
      assertThat(moved.document(i).data().get("room")).as("join and leave both show the after image")
          .isEqualTo(new StringValue("b"));
    }
    assertThat(moved.event().deletedDocument()).as("a leave is not a delete").isFalse();
    assertThat(moved.event().database()).isEqualTo(DB);
    assertThat(moved.event().collection()).isEqualTo(ROOMS);
    assertThat(moved.event().documentId()).isEqualTo("d1");

    assertThat(h1.hits("A")).extracting(RecordingHandler.Hit::op).containsExactly(Op.CREATE, Op.DELETE);
    assertThat(h1.hits("B")).extracting(RecordingHandler.Hit::seq).containsExactly(s2, s3);
    assertThat(h1.hits("B")).extracting(RecordingHandler.Hit::op).containsExactly(Op.CREATE, Op.DELETE);
    assertThat(h2.hits("C")).extracting(RecordingHandler.Hit::seq).containsExactly(s1, s2, s3);
    assertThat(h2.hits("C")).extracting(RecordingHandler.Hit::op).containsExactly(Op.CREATE, Op.UPDATE, Op.DELETE);
    EventDelivery deleted = h2.deliveries.get(2);
    assertThat(deleted.event().deletedDocument()).isTrue();
    assertThat(deleted.document(0).deleted()).as("a delete carries the tombstone").isTrue();
    assertThat(deleted.document(0).version()).as("with its bumped version")
        .isEqualTo(deleted.event().before().version() + 1);
    assertThat(deleted.event().before().data().get("score")).isEqualTo(IntegerValue.of(7));
    assertThat(h1.threads).containsExactly("syntrix-streamer-delivery-gw1");
  }

  @Test
  void liveDeliveryStartsAfterTheLivePoint() {
    long before = put("d1", "{\"room\":\"a\"}");
    await().atMost(WAIT).until(() -> streamer.position() == before);
    RecordingHandler h = new RecordingHandler();
    Stream gw = streamer.open("gw", h);
    SubscribeResult r = subscribe(gw, "A", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]");
    assertThat(r.liveAfterSeq()).isEqualTo(before);
    assertThat(r.resume()).isEqualTo(SubscribeResult.Resume.NONE);
    long after = put("d1", "{\"room\":\"a\",\"x\":1}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 1);
    assertThat(h.hits("A")).containsExactly(new RecordingHandler.Hit("A", after, Op.UPDATE));
  }

  @Test
  void unsubscribeStopsAndResubscribingTheSameIdReplaces() {
    RecordingHandler h = new RecordingHandler();
    Stream gw = streamer.open("gw", h);
    subscribe(gw, "A", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]");
    long s1 = put("d1", "{\"room\":\"a\"}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 1);
    subscribe(gw, "A", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"b\"}]");
    put("d2", "{\"room\":\"a\"}");
    long s3 = put("d3", "{\"room\":\"b\"}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 2);
    assertThat(gw.unsubscribe("A")).isTrue();
    assertThat(gw.unsubscribe("A")).isFalse();
    long s4 = put("d4", "{\"room\":\"b\"}");
    await().atMost(WAIT).until(() -> streamer.position() == s4);
    assertThat(h.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s1, s3);
    assertThat(meters.get("syntrix.streamer.subscriptions").gauge().value()).isZero();
  }

  /**
   * Gateways unsubscribe on event loops, which must never block: an unsubscribe returns while
   * another thread holds the match lock, and no delivery after it mentions the subscription.
   */
  @Test
  void unsubscribeReturnsAtOnceWhileTheMatchLockIsHeldAndTakesEffectForDelivery() throws Exception {
    RecordingHandler h = new RecordingHandler();
    Stream gw = streamer.open("gw", h);
    subscribe(gw, "A", "[]");
    subscribe(gw, "B", "[]");
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = Thread.ofPlatform().name("test-match-lock-holder").start(() -> streamer.underMatchLock(() -> {
      held.countDown();
      awaitQuietly(release);
    }));
    long s1;
    try {
      held.await();
      s1 = put("d1", "{}"); // the puller now waits for the lock with this change
      boolean removed = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> gw.unsubscribe("A"),
          "unsubscribe waited for the match lock");
      assertThat(removed).isTrue();
      assertThat(gw.unsubscribe("A")).isFalse();
      assertThat(meters.get("syntrix.streamer.subscriptions").gauge().value()).isEqualTo(1);
    } finally {
      release.countDown();
    }
    holder.join();
    await().atMost(WAIT).until(() -> streamer.position() == s1 && h.deliveries.size() == 1);
    assertThat(h.deliveries.getFirst().subscriptionIds()).containsExactly("B");
    assertThat(streamer.registrations()).isEqualTo(1);
  }

  @Test
  void anUnsubscribeQueuedBehindTheLockIsUnregisteredWhenTheHolderLetsGo() throws Exception {
    Stream gw = streamer.open("gw", new RecordingHandler());
    subscribe(gw, "A", "[]");
    subscribe(gw, "B", "[]");
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = Thread.ofPlatform().start(() -> streamer.underMatchLock(() -> {
      held.countDown();
      awaitQuietly(release);
    }));
    try {
      held.await();
      assertThat(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> gw.unsubscribe("A"))).isTrue();
    } finally {
      release.countDown();
    }
    holder.join();
    assertThat(streamer.registrations()).as("no change came; the lock holder removed it on its way out").isEqualTo(1);
  }

  /** Replacing subscribes and unsubscribes of the same ids race; the gauge and the matcher end exact. */
  @Test
  void racingReplacementsAndUnsubscribesLeaveTheGaugeAndTheMatcherExact() throws Exception {
    RecordingHandler h = new RecordingHandler();
    InProcessStream gw = (InProcessStream) streamer.open("gw", h);
    List<Thread> threads = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      java.util.Random random = new java.util.Random(t);
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 2_000; i++) {
          String id = "s" + random.nextInt(10);
          if (random.nextBoolean()) {
            subscribe(gw, id, "[]");
          } else {
            gw.unsubscribe(id);
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    int live = gw.subscriptions.size();
    assertThat(meters.get("syntrix.streamer.subscriptions").gauge().value()).isEqualTo(live);
    assertThat(streamer.registrations()).isEqualTo(live);
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> streamer.position() == s1);
    if (live > 0) {
      await().atMost(WAIT).until(() -> h.deliveries.size() == 1);
      assertThat(h.deliveries.getFirst().subscriptionIds()).containsExactlyInAnyOrderElementsOf(gw.subscriptions.keySet());
    }
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void reopeningAGatewayCutsTheOldStreamOffAndClosedStreamsRefuseWork() throws Exception {
    RecordingHandler old = new RecordingHandler();
    Stream first = streamer.open("gw", old);
    subscribe(first, "A", "[]");
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> old.deliveries.size() == 1);
    RecordingHandler fresh = new RecordingHandler();
    Stream second = streamer.open("gw", fresh);
    CutOff cutOff = old.cutOff.get();
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.REPLACED);
    assertThat(cutOff.resumeAfter()).isEqualTo(Map.of("A", s1));
    assertThat(first.isOpen()).isFalse();
    assertThatThrownBy(() -> subscribe(first, "B", "[]")).isInstanceOf(StreamerException.class);
    assertThat(meters.get("syntrix.streamer.queue.depth").tag("gateway", "gw").gauge().value())
        .as("the new stream's gauge").isZero();
    SubscribeResult r = second.subscribe(SubscribeRequest.live("A", DB, ROOMS, List.of()).withResumeAfter(s1));
    assertThat(r.resume()).isEqualTo(SubscribeResult.Resume.UP_TO_DATE);
    long s2 = put("d1", "{\"x\":2}");
    await().atMost(WAIT).until(() -> fresh.deliveries.size() == 1);
    assertThat(fresh.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s2);
    second.close();
    assertThat(second.isOpen()).isFalse();
    assertThatThrownBy(() -> subscribe(second, "B", "[]")).isInstanceOf(StreamerException.class);
    assertThat(meters.get("syntrix.streamer.subscriptions").gauge().value()).isZero();
  }

  @Test
  void aFailingHandlerCutsOnlyItsOwnStreamOffWithResumePositions() throws Exception {
    RecordingHandler failing = new RecordingHandler();
    RecordingHandler healthy = new RecordingHandler();
    Stream bad = streamer.open("bad", failing);
    Stream good = streamer.open("good", healthy);
    subscribe(bad, "A", "[]");
    subscribe(good, "A", "[]");
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> failing.deliveries.size() == 1);
    failing.failWith = new IllegalStateException("boom");
    long s2 = put("d2", "{}");
    CutOff cutOff = failing.cutOff.get();
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.HANDLER_FAILED);
    assertThat(cutOff.resumeAfter()).isEqualTo(Map.of("A", s1));
    assertThat(bad.isOpen()).isFalse();
    long s3 = put("d3", "{}");
    await().atMost(WAIT).until(() -> healthy.deliveries.size() == 3);
    assertThat(healthy.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s1, s2, s3);
    assertThat(meters.get("syntrix.streamer.cutoffs").tag("reason", "handler_failed").counter().count()).isEqualTo(1);
  }

  @Test
  void metricsCountSubscriptionsMatchesDeliveriesQueuesAndLatency() {
    RecordingHandler h = new RecordingHandler();
    Stream gw = streamer.open("gw", h);
    subscribe(gw, "A", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]");
    subscribe(gw, "B", "[]");
    put("d1", "{\"room\":\"a\"}");
    long last = put("d2", "{\"room\":\"b\"}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 2);
    assertThat(meters.get("syntrix.streamer.subscriptions").gauge().value()).isEqualTo(2);
    assertThat(meters.get("syntrix.streamer.position").gauge().value()).isEqualTo(last);
    assertThat(meters.get("syntrix.streamer.changes").counter().count()).isEqualTo(2);
    assertThat(meters.get("syntrix.streamer.events.matched").counter().count()).isEqualTo(3);
    assertThat(meters.get("syntrix.streamer.deliveries").tag("kind", "live").counter().count()).isEqualTo(2);
    assertThat(meters.get("syntrix.streamer.queue.depth").tag("gateway", "gw").gauge().value()).isZero();
    Timer latency = meters.get("syntrix.streamer.match.latency").timer();
    assertThat(latency.count()).isEqualTo(2);
    assertThat(latency.takeSnapshot().percentileValues()).isNotEmpty();
    gw.close();
    assertThat(meters.find("syntrix.streamer.queue.depth").tag("gateway", "gw").gauge()).isNull();
  }

  @Test
  void lagAndReplayGaugesShowAStalledPullerAndARunningReplay() throws Exception {
    long s1 = put("d1", "{\"x\":1}");
    await().atMost(WAIT).until(() -> streamer.position() == s1);
    assertThat(meters.get("syntrix.streamer.lag.seqs").gauge().value()).isZero();
    assertThat(meters.get("syntrix.streamer.lag.ms").gauge().value()).isBetween(0.0, 10_000.0);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = Thread.ofPlatform().start(() -> streamer.underMatchLock(() -> {
      held.countDown();
      awaitQuietly(release);
    }));
    try {
      held.await();
      put("d2", "{}");
      put("d3", "{}");
      put("d4", "{}");
      assertThat(meters.get("syntrix.streamer.lag.seqs").gauge().value()).isEqualTo(3);
    } finally {
      release.countDown();
    }
    holder.join();
    await().atMost(WAIT).until(() -> meters.get("syntrix.streamer.lag.seqs").gauge().value() == 0);

    RecordingHandler h = new RecordingHandler();
    h.gate = new CountDownLatch(1);
    Stream gw = streamer.open("gw", h);
    gw.subscribe(SubscribeRequest.live("A", DB, ROOMS, List.of()).withResumeAfter(0));
    await().atMost(WAIT).until(() -> meters.get("syntrix.streamer.replays.running").gauge().value() == 1);
    h.gate.countDown();
    await().atMost(WAIT).until(() -> h.deliveries.size() == 4);
    await().atMost(WAIT).until(() -> meters.get("syntrix.streamer.replays.running").gauge().value() == 0);
  }

  /**
   * A change that cannot be processed no longer halts realtime: after its attempts it is skipped,
   * the streams whose subscriptions it could concern are told in stream order, and later changes
   * flow, live and in replays alike.
   */
  @Test
  void aChangeThatKeepsFailingIsSkippedAndTheSubscriptionsItConcernedAreTold() throws Exception {
    RecordingHandler h1 = new RecordingHandler();
    RecordingHandler h2 = new RecordingHandler();
    Stream gw1 = streamer.open("gw1", h1);
    Stream gw2 = streamer.open("gw2", h2);
    subscribe(gw1, "rooms-a", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]");
    subscribe(gw1, "rooms-all", "[]");
    gw1.subscribe(SubscribeRequest.live("users", DB, "users", List.of()));
    gw2.subscribe(SubscribeRequest.live("users", DB, "users", List.of()));
    long s1 = put("d1", "{\"room\":\"a\"}");
    await().atMost(WAIT).until(() -> streamer.position() == s1);
    long poisoned = s1 + 1;
    streamer.beforeMatch = change -> {
      if (change.seq() == poisoned) {
        throw new IllegalStateException("no way to match this one");
      }
    };
    assertThat(put("d2", "{\"room\":\"a\"}")).isEqualTo(poisoned);
    long s3 = put("d3", "{\"room\":\"a\"}");
    await().atMost(WAIT).until(() -> streamer.position() == s3 && h1.deliveries.size() == 2);
    assertThat(h1.calls).containsExactly(Long.toString(s1),
        "failed " + poisoned + " [rooms-a, rooms-all]: IllegalStateException: no way to match this one",
        Long.toString(s3));
    assertThat(h2.calls).as("nothing on the change's collection, nothing to tell").isEmpty();
    assertThat(meters.get("syntrix.streamer.changes.failed").counter().count()).isEqualTo(1);
    assertThat(gw1.isOpen()).isTrue();

    RecordingHandler h3 = new RecordingHandler();
    streamer.open("gw3", h3).subscribe(SubscribeRequest.live("r", DB, ROOMS, List.of()).withResumeAfter(0));
    await().atMost(WAIT).until(() -> h3.calls.size() == 3);
    assertThat(h3.calls).as("a replay skips it too").containsExactly(Long.toString(s1),
        "failed " + poisoned + " [r]: IllegalStateException: no way to match this one", Long.toString(s3));
  }

  /** Readiness probes ask isRunning: an Error that kills the puller thread (unlike a failing change) shows. */
  @Test
  void isRunningUntilThePullerDies() {
    assertThat(streamer.isRunning()).isTrue();
    streamer.beforeMatch = change -> {
      throw new AssertionError("an Error nobody catches");
    };
    put("d1", "{}");
    // Awaitility would otherwise fail on the Error the puller thread dies of, if it dies while we wait.
    await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> !streamer.isRunning());
  }

  @Test
  void shutdownCutsEveryStreamOffAfterItsQueuedDeliveries() throws Exception {
    RecordingHandler h = new RecordingHandler();
    Stream gw = streamer.open("gw", h);
    subscribe(gw, "A", "[]");
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> streamer.position() == s1);
    streamer.close();
    CutOff cutOff = h.cutOff.get();
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.SHUTDOWN);
    assertThat(cutOff.resumeAfter()).isEqualTo(Map.of("A", s1));
    assertThat(h.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s1);
    assertThat(gw.isOpen()).isFalse();
    assertThat(streamer.isRunning()).isFalse();
    assertThatThrownBy(() -> streamer.open("other", new RecordingHandler())).isInstanceOf(StreamerException.class);
  }
}
