package io.syntrix.streamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Filter;
import io.syntrix.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Streamer} must do, whatever carries its streams: the in-process streamer and
 * the gRPC link (syntrix-link's {@code GrpcStreamerContractTest}) both extend this. The test starts
 * an {@link InProcessStreamer} on a real store ({@link #streamer}); {@link #connect()} gives the
 * streamer under test in front of it, as one gateway process would reach it.
 */
abstract class StreamerContractTest extends StreamerTestSupport {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String[] FILTERS = ExactlyOnceTest.FILTERS;

  /**
   * The streamer under test, serving {@link #streamer}: one per gateway process (a link
   * implementation opens one connection per call). Closed by the subclass after the test.
   */
  protected abstract Streamer connect();

  void startBoth() {
    startBoth(defaults());
  }

  void startBoth(StreamerOptions options) {
    openStore();
    startStreamer(options);
  }

  long seed(String name) {
    return ExactlyOnceTest.seed(getClass().getSimpleName() + "." + name);
  }

  void randomWrites(Random random, int count) {
    for (int i = 0; i < count; i++) {
      String id = "d" + random.nextInt(40);
      if (random.nextInt(8) == 0) {
        try {
          delete(id);
        } catch (StoreException notFound) {
          i--;
        }
      } else {
        put(id, "{\"room\":\"r" + random.nextInt(6) + "\",\"score\":" + random.nextInt(21) + "}");
      }
    }
  }

  List<ChangeEvent> log() {
    return store.changeLog().read(0, Integer.MAX_VALUE);
  }

  @Test
  void deliversOncePerChangeWithAnOperationPerSubscriptionAndTheImages() {
    startBoth();
    RecordingHandler h = new RecordingHandler();
    Stream stream = connect().open("gw", h);
    SubscribeResult r1 = stream.subscribe(SubscribeRequest.live("r1", DB, ROOMS, filters(FILTERS[0])));
    stream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()));
    assertThat(r1.resume()).isEqualTo(SubscribeResult.Resume.NONE);
    assertThat(stream.gatewayId()).isEqualTo("gw");
    long s1 = put("a", "{\"room\":\"r1\",\"n\":1.5,\"tags\":[\"x\",{\"y\":null}],\"ok\":true}");
    long s2 = put("a", "{\"room\":\"r2\"}");
    long s3 = delete("a");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 3);
    assertThat(h.hits("r1")).containsExactly(new RecordingHandler.Hit("r1", s1, Op.CREATE),
        new RecordingHandler.Hit("r1", s2, Op.DELETE));
    assertThat(h.hits("all")).extracting(RecordingHandler.Hit::op).containsExactly(Op.CREATE, Op.UPDATE, Op.DELETE);
    EventDelivery first = h.deliveries.getFirst();
    assertThat(first.subscriptionIds()).containsExactlyInAnyOrder("r1", "all");
    assertThat(first.seq()).isEqualTo(s1);
    ChangeEvent c1 = log().stream().filter(c -> c.seq() == s1).findFirst().orElseThrow();
    assertThat(first.event()).isEqualTo(new Event(s1, DB, ROOMS, "a", null, c1.after(), c1.timestamp()));
    EventDelivery last = h.deliveries.getLast();
    assertThat(last.event().deletedDocument()).isTrue();
    assertThat(last.event().before()).isEqualTo(log().getLast().before());
    assertThat(r1.liveAfterSeq()).isLessThan(s1);
  }

  @Test
  void unsubscribeStopsAndResubscribingTheSameIdReplaces() {
    startBoth();
    RecordingHandler h = new RecordingHandler();
    Stream stream = connect().open("gw", h);
    stream.subscribe(SubscribeRequest.live("A", DB, ROOMS, filters(FILTERS[0])));
    stream.subscribe(SubscribeRequest.live("B", DB, ROOMS, List.of()));
    long s1 = put("a", "{\"room\":\"r1\"}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 1);
    stream.subscribe(SubscribeRequest.live("A", DB, ROOMS, filters(FILTERS[1])));
    long s2 = put("b", "{\"room\":\"r1\"}");
    long s3 = put("c", "{\"room\":\"r2\"}");
    assertThat(stream.unsubscribe("B")).isTrue();
    assertThat(stream.unsubscribe("B")).isFalse();
    long s4 = put("d", "{\"room\":\"r2\"}");
    await().atMost(WAIT).until(() -> h.hits("A").size() == 3);
    assertThat(h.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s1, s3, s4);
    assertThat(h.hits("B")).as("what was handed over before the unsubscribe").extracting(RecordingHandler.Hit::seq)
        .startsWith(s1).isSubsetOf(s1, s2, s3);
  }

  @Test
  void resumeAfterReplaysEveryLaterMatchOnceInOrderWhileWritesFlow() throws Exception {
    long seed = seed("resumeAfterReplays");
    Random random = new Random(seed);
    startBoth();
    randomWrites(random, 600);
    RecordingHandler h = new RecordingHandler();
    Stream stream = connect().open("gw", h);
    Thread writer = Thread.ofPlatform().name("test-writer").start(() -> randomWrites(new Random(seed + 1), 600));
    Map<String, Long> starts = new HashMap<>();
    Map<String, List<Filter>> subs = new HashMap<>();
    for (int i = 0; i < 16; i++) {
      List<Filter> f = filters(FILTERS[random.nextInt(FILTERS.length)]);
      long resumeAfter = random.nextLong(store.changeLog().lastSeq() + 1);
      SubscribeResult r = stream.subscribe(SubscribeRequest.live("s" + i, DB, ROOMS, f).withResumeAfter(resumeAfter));
      assertThat(r.resume()).isIn(SubscribeResult.Resume.REPLAY, SubscribeResult.Resume.UP_TO_DATE);
      starts.put("s" + i, resumeAfter);
      subs.put("s" + i, f);
    }
    writer.join();
    long last = store.changeLog().lastSeq();
    await().atMost(WAIT).until(() -> streamer.position() == last);
    Oracle oracle = new Oracle(log());
    Map<String, List<RecordingHandler.Hit>> expected = new HashMap<>();
    subs.forEach((id, f) -> expected.put(id, oracle.expected(id, DB, ROOMS, f, starts.get(id))));
    await().atMost(WAIT).until(() -> expected.keySet().stream()
        .allMatch(id -> h.hits(id).size() >= expected.get(id).size()));
    for (String id : expected.keySet()) {
      assertThat(h.hits(id)).as("seed %d, %s after %d", seed, id, starts.get(id))
          .containsExactlyElementsOf(expected.get(id));
    }
  }

  @Test
  void everyGatewayGetsEveryMatchExactlyOnceInSeqOrder() throws Exception {
    long seed = seed("exactlyOnce");
    startBoth();
    RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
    Stream[] streams = {connect().open("gw0", handlers[0]), connect().open("gw1", handlers[1])};
    Random random = new Random(seed);
    record Sub(int stream, String id, List<Filter> filters, long after) {}
    List<Sub> subs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      int s = i % 2;
      List<Filter> f = filters(FILTERS[random.nextInt(FILTERS.length)]);
      SubscribeResult r = streams[s].subscribe(SubscribeRequest.live("q" + i, DB, ROOMS, f));
      subs.add(new Sub(s, "q" + i, f, r.liveAfterSeq()));
    }
    Thread[] writers = new Thread[2];
    for (int w = 0; w < writers.length; w++) {
      long ws = seed + 1 + w;
      writers[w] = Thread.ofPlatform().name("test-writer-" + w).start(() -> randomWrites(new Random(ws), 700));
    }
    for (Thread w : writers) {
      w.join();
    }
    long last = store.changeLog().lastSeq();
    await().atMost(WAIT).until(() -> streamer.position() == last);
    Oracle oracle = new Oracle(log());
    await().atMost(WAIT).until(() -> subs.stream().allMatch(s -> handlers[s.stream()].hits(s.id()).size()
        >= oracle.expected(s.id(), DB, ROOMS, s.filters(), s.after()).size()));
    for (Sub s : subs) {
      assertThat(handlers[s.stream()].hits(s.id())).as("seed %d, %s", seed, s)
          .containsExactlyElementsOf(oracle.expected(s.id(), DB, ROOMS, s.filters(), s.after()));
    }
    for (RecordingHandler h : handlers) {
      List<Long> seqs = h.deliveries.stream().map(EventDelivery::seq).toList();
      assertThat(seqs).as("one delivery per change, in seq order").isSorted().doesNotHaveDuplicates();
    }
  }

  /**
   * Subscribes, replacements (the same id again) and unsubscribes race with writes: each id's
   * deliveries stay in seq order without repeats, and an id subscribed at the end has, after its
   * last live point, exactly what the oracle says.
   */
  @Test
  void racingSubscribesReplacesAndUnsubscribesLeaveEveryKeptSubscriptionExact() throws Exception {
    long seed = seed("racing");
    startBoth();
    RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
    Stream[] streams = {connect().open("gw0", handlers[0]), connect().open("gw1", handlers[1])};
    record Last(int stream, List<Filter> filters, long liveAfter, boolean subscribed) {}
    Map<String, Last> last = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread writer = Thread.ofPlatform().name("test-writer").start(() -> {
      randomWrites(new Random(seed), 2_000);
      writing.set(false);
    });
    List<Thread> racers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      racers.add(Thread.ofPlatform().name("test-racer-" + t).start(() -> {
        Random r = new Random(seed + 10 + thread);
        Stream stream = streams[thread % 2];
        while (writing.get()) {
          String id = "t" + thread + "-" + r.nextInt(4);
          if (r.nextInt(3) == 0) {
            stream.unsubscribe(id);
            last.computeIfPresent(id, (k, l) -> new Last(l.stream(), l.filters(), l.liveAfter(), false));
          } else {
            List<Filter> f = filters(FILTERS[r.nextInt(FILTERS.length)]);
            SubscribeResult res = stream.subscribe(SubscribeRequest.live(id, DB, ROOMS, f));
            last.put(id, new Last(thread % 2, f, res.liveAfterSeq(), true));
          }
          ExactlyOnceTest.sleepQuietly(r.nextInt(3));
        }
      }));
    }
    writer.join();
    for (Thread t : racers) {
      t.join();
    }
    long end = store.changeLog().lastSeq();
    await().atMost(WAIT).until(() -> streamer.position() == end);
    Oracle oracle = new Oracle(log());
    Map<String, List<RecordingHandler.Hit>> expected = new HashMap<>();
    last.forEach((id, l) -> {
      if (l.subscribed()) {
        expected.put(id, oracle.expected(id, DB, ROOMS, l.filters(), l.liveAfter()));
      }
    });
    await().atMost(WAIT).until(() -> expected.entrySet().stream().allMatch(e -> handlers[last.get(e.getKey()).stream()]
        .hits(e.getKey()).stream().filter(h -> h.seq() > last.get(e.getKey()).liveAfter()).count()
        >= e.getValue().size()));
    for (Map.Entry<String, Last> e : last.entrySet()) {
      List<RecordingHandler.Hit> got = handlers[e.getValue().stream()].hits(e.getKey());
      assertThat(got).extracting(RecordingHandler.Hit::seq).as("seed %d, %s: in order, no repeats", seed, e.getKey())
          .isSorted().doesNotHaveDuplicates();
      if (e.getValue().subscribed()) {
        assertThat(got.stream().filter(h -> h.seq() > e.getValue().liveAfter()).toList())
            .as("seed %d, %s after %d", seed, e.getKey(), e.getValue().liveAfter())
            .containsExactlyElementsOf(expected.get(e.getKey()));
      }
    }
    assertThat(expected).as("some ids were still subscribed at the end").isNotEmpty();
  }

  /**
   * A gateway that stops taking deliveries is cut off as a slow consumer once the streamer's
   * budget for it is spent (whatever the transport buffers before that), without delaying another
   * gateway; it gets everything queued before the cut-off, then positions that resume it exactly.
   */
  @Test
  void aSlowGatewayIsCutOffWithPositionsWithoutDelayingAFastOneAndResumesExactly() throws Exception {
    startBoth(defaults().withQueueCapacity(100));
    RecordingHandler slow = new RecordingHandler();
    slow.gate = new CountDownLatch(1);
    RecordingHandler fast = new RecordingHandler();
    Stream slowStream = connect().open("slow", slow);
    Stream fastStream = connect().open("fast", fast);
    slowStream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()));
    fastStream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()));
    long start = streamer.position();
    String padding = "x".repeat(1_000);
    int written = 0;
    while (slowConsumerCutOffs() == 0) {
      assertThat(written).as("the slow gateway is cut off in time").isLessThan(5_000);
      for (int i = 0; i < 50; i++) {
        put("d" + (written % 97), "{\"n\":" + written + ",\"pad\":\"" + padding + "\"}");
        written++;
      }
      int target = written;
      await().atMost(WAIT).until(() -> fast.deliveries.size() == target);
    }
    assertThat(slow.deliveries).as("still blocked in its first delivery").isEmpty();

    slow.gate.countDown();
    CutOff cutOff = slow.cutOff.get(30, TimeUnit.SECONDS);
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.SLOW_CONSUMER);
    assertThat(slowStream.isOpen()).isFalse();
    long resumeAfter = cutOff.resumeAfter().get("all");
    assertThat(resumeAfter).isEqualTo(slow.deliveries.getLast().seq());

    RecordingHandler again = new RecordingHandler();
    Stream reopened = connect().open("slow", again);
    assertThat(reopened.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()).withResumeAfter(resumeAfter))
        .resume()).isIn(SubscribeResult.Resume.REPLAY, SubscribeResult.Resume.UP_TO_DATE);
    int total = written;
    await().atMost(WAIT).until(() -> slow.deliveries.size() + again.deliveries.size() == total);
    List<RecordingHandler.Hit> all = new ArrayList<>(slow.hits("all"));
    all.addAll(again.hits("all"));
    assertThat(all).containsExactlyElementsOf(Oracle.expected(log(), "all", DB, ROOMS, List.of(), start));
    assertThat(fast.hits("all")).containsExactlyElementsOf(all);
  }

  double slowConsumerCutOffs() {
    var counter = meters.find("syntrix.streamer.cutoffs").tag("reason", "slow_consumer").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void reopeningAGatewayCutsTheOldStreamOffAndClosedStreamsRefuseWork() throws Exception {
    startBoth();
    RecordingHandler old = new RecordingHandler();
    Stream first = connect().open("gw", old);
    first.subscribe(SubscribeRequest.live("A", DB, ROOMS, List.of()));
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> old.deliveries.size() == 1);
    RecordingHandler fresh = new RecordingHandler();
    Stream second = connect().open("gw", fresh);
    CutOff cutOff = old.cutOff.get(30, TimeUnit.SECONDS);
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.REPLACED);
    assertThat(cutOff.resumeAfter()).isEqualTo(Map.of("A", s1));
    assertThat(first.isOpen()).isFalse();
    assertThatThrownBy(() -> first.subscribe(SubscribeRequest.live("B", DB, ROOMS, List.of())))
        .isInstanceOf(StreamerException.class);
    SubscribeResult r = second.subscribe(SubscribeRequest.live("A", DB, ROOMS, List.of()).withResumeAfter(s1));
    assertThat(r.resume()).isEqualTo(SubscribeResult.Resume.UP_TO_DATE);
    long s2 = put("d1", "{\"x\":2}");
    await().atMost(WAIT).until(() -> fresh.deliveries.size() == 1);
    assertThat(fresh.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s2);

    second.close();
    assertThat(second.isOpen()).isFalse();
    assertThatThrownBy(() -> second.subscribe(SubscribeRequest.live("B", DB, ROOMS, List.of())))
        .isInstanceOf(StreamerException.class);
    put("d1", "{\"x\":3}");
    long last = store.changeLog().lastSeq();
    await().atMost(WAIT).until(() -> streamer.position() == last);
    Thread.sleep(100);
    assertThat(fresh.deliveries).as("nothing after close").hasSize(1);
    assertThat(fresh.cutOff).as("close sends no signal").isNotDone();
  }

  @Test
  void aFailingHandlerCutsOnlyItsOwnStreamOffWithResumePositions() throws Exception {
    startBoth();
    RecordingHandler failing = new RecordingHandler();
    RecordingHandler healthy = new RecordingHandler();
    Stream bad = connect().open("bad", failing);
    Stream good = connect().open("good", healthy);
    bad.subscribe(SubscribeRequest.live("A", DB, ROOMS, List.of()));
    good.subscribe(SubscribeRequest.live("A", DB, ROOMS, List.of()));
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> failing.deliveries.size() == 1);
    failing.failWith = new IllegalStateException("boom");
    long s2 = put("d2", "{}");
    CutOff cutOff = failing.cutOff.get(30, TimeUnit.SECONDS);
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.HANDLER_FAILED);
    assertThat(cutOff.resumeAfter()).isEqualTo(Map.of("A", s1));
    assertThat(bad.isOpen()).isFalse();
    long s3 = put("d3", "{}");
    await().atMost(WAIT).until(() -> healthy.deliveries.size() == 3);
    assertThat(healthy.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s1, s2, s3);
  }

  @Test
  void closingTheStreamerCutsEveryStreamOffWithShutdownAfterItsDeliveries() throws Exception {
    startBoth();
    Streamer front = connect();
    RecordingHandler h = new RecordingHandler();
    Stream gw = front.open("gw", h);
    gw.subscribe(SubscribeRequest.live("A", DB, ROOMS, List.of()));
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 1);
    assertThat(front.isRunning()).isTrue();
    front.close();
    CutOff cutOff = h.cutOff.get(30, TimeUnit.SECONDS);
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.SHUTDOWN);
    assertThat(cutOff.resumeAfter()).isEqualTo(Map.of("A", s1));
    assertThat(h.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s1);
    assertThat(gw.isOpen()).isFalse();
    assertThat(front.isRunning()).isFalse();
    assertThatThrownBy(() -> front.open("other", new RecordingHandler())).isInstanceOf(StreamerException.class);
  }

}
