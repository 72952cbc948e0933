package io.syntrix.streamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.Filter;
import io.syntrix.store.Cursor;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.store.StoreException;
import io.syntrix.store.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once delivery on the real store, with seeded randomness (the seed is printed): every
 * subscription receives every matching change after its start point once, in order, while
 * writers, subscribers, unsubscribers and resumes race; a slow gateway costs only itself.
 */
class ExactlyOnceTest extends StreamerTestSupport {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String[] FILTERS = {
      "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"r1\"}]",
      "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"r2\"}]",
      "[{\"field\":\"room\",\"op\":\"in\",\"value\":[\"r0\",\"r3\"]}]",
      "[{\"field\":\"score\",\"op\":\">\",\"value\":10}]",
      "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"r4\"},{\"field\":\"score\",\"op\":\"<=\",\"value\":12}]",
      "[{\"field\":\"room\",\"op\":\"!=\",\"value\":\"r5\"}]",
      "[{\"field\":\"id\",\"op\":\"==\",\"value\":\"d7\"}]",
      "[]"};

  /** What a test subscribed, and where its deliveries must start. */
  record Sub(String id, int stream, List<Filter> filters, long startAfter, boolean resumed) {
  }

  static long seed(String name) {
    long seed = Long.getLong("exactly.seed", System.nanoTime());
    System.out.println(name + " seed=" + seed + " (rerun with -Dexactly.seed=" + seed + ")");
    return seed;
  }

  /** Random writes: upserts that move documents between rooms and scores, and deletes. */
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

  void awaitCaughtUp() {
    long last = store.changeLog().lastSeq();
    await().atMost(WAIT).until(() -> streamer.position() == last);
  }

  @Test
  void concurrentSubscribeAndUnsubscribeWhileEventsFlow() throws Exception {
    long seed = seed("concurrentSubscribeAndUnsubscribeWhileEventsFlow");
    openStore();
    startStreamer(defaults());
    RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler(), new RecordingHandler()};
    Stream[] streams = new Stream[handlers.length];
    for (int i = 0; i < streams.length; i++) {
      streams[i] = streamer.open("gw" + i, handlers[i]);
    }
    randomWrites(new Random(seed), 300);
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = Thread.ofPlatform().name("test-writer").start(() -> {
      randomWrites(new Random(seed + 1), 4_000);
      writing.set(false);
    });
    List<Sub> subs = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Boolean> unsubscribed = new ConcurrentHashMap<>();
    List<Thread> subscribers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      subscribers.add(Thread.ofPlatform().name("test-subscriber-" + t).start(() -> {
        Random r = new Random(seed + 10 + thread);
        for (int n = 0; writing.get(); n++) {
          int stream = r.nextInt(streams.length);
          String id = "t" + thread + "-" + n;
          List<Filter> filters = filters(FILTERS[r.nextInt(FILTERS.length)]);
          SubscribeRequest request = SubscribeRequest.live(id, DB, ROOMS, filters);
          boolean resume = r.nextInt(4) == 0;
          long resumeAfter = resume ? Math.max(0, streamer.position() - r.nextInt(200)) : -1;
          SubscribeResult result = streams[stream].subscribe(resume ? request.withResumeAfter(resumeAfter) : request);
          subs.add(new Sub(id, stream, filters, resume ? resumeAfter : result.liveAfterSeq(), resume));
          sleepQuietly(r.nextInt(4));
          if (r.nextBoolean()) {
            assertThat(streams[stream].unsubscribe(id)).isTrue();
            unsubscribed.put(id, true);
          }
        }
      }));
    }
    writer.join();
    for (Thread t : subscribers) {
      t.join();
    }
    awaitCaughtUp();
    List<ChangeEvent> log = store.changeLog().read(0, Integer.MAX_VALUE);
    Oracle oracle = new Oracle(log);
    Map<String, List<RecordingHandler.Hit>> expected = new HashMap<>();
    for (Sub s : subs) {
      expected.put(s.id(), oracle.expected(s.id(), DB, ROOMS, s.filters(), s.startAfter()));
    }
    List<Sub> kept = subs.stream().filter(s -> !unsubscribed.containsKey(s.id())).toList();
    await().atMost(WAIT).until(() -> {
      List<Map<String, List<RecordingHandler.Hit>>> hits = hitsOf(handlers);
      return kept.stream().allMatch(s -> hits.get(s.stream()).getOrDefault(s.id(), List.of()).size()
          >= expected.get(s.id()).size());
    });
    List<Map<String, List<RecordingHandler.Hit>>> hits = hitsOf(handlers);
    int checked = 0;
    for (Sub s : subs) {
      List<RecordingHandler.Hit> want = expected.get(s.id());
      List<RecordingHandler.Hit> got = hits.get(s.stream()).getOrDefault(s.id(), List.of());
      if (unsubscribed.containsKey(s.id())) {
        assertThat(got.size()).as("seed %d, %s: at most what it matched", seed, s).isLessThanOrEqualTo(want.size());
        assertThat(got).as("seed %d, %s: a prefix", seed, s).isEqualTo(want.subList(0, got.size()));
      } else {
        assertThat(got).as("seed %d, %s", seed, s).containsExactlyElementsOf(want);
        if (!s.resumed()) {
          assertSnapshotPlusEventsIsTheFinalState(log, s, got, seed);
        }
        checked++;
      }
    }
    System.out.printf("%d subscriptions (%d kept to the end), %d changes%n", subs.size(), checked, log.size());
    assertThat(subs.size()).isGreaterThan(100);
    assertThat(checked).isGreaterThan(30);
  }

  /** The state as of the live point, plus the deliveries after it, is the store's final state. */
  void assertSnapshotPlusEventsIsTheFinalState(List<ChangeEvent> log, Sub s, List<RecordingHandler.Hit> got,
                                               long seed) {
    DocumentPredicate p = DocumentPredicate.compile(s.filters());
    Map<String, Document> view = new HashMap<>();
    Map<Long, ChangeEvent> bySeq = new HashMap<>();
    for (ChangeEvent c : log) {
      bySeq.put(c.seq(), c);
      if (c.seq() <= s.startAfter()) {
        Document d = c.liveAfter();
        if (d != null && p.test(d.toFlat())) {
          view.put(d.id(), d);
        } else {
          view.remove(c.path().id());
        }
      }
    }
    for (RecordingHandler.Hit h : got) {
      ChangeEvent c = bySeq.get(h.seq());
      if (h.op() == Op.DELETE) {
        assertThat(view.remove(c.path().id())).as("seed %d: delete of a document in the view", seed).isNotNull();
      } else {
        assertThat(view.put(c.path().id(), c.liveAfter()) == null).as("seed %d: create iff new", seed)
            .isEqualTo(h.op() == Op.CREATE);
      }
    }
    Map<String, Document> truth = new HashMap<>();
    try (Cursor<Document> cursor = store.scanCollection(DB, CollectionPath.of(ROOMS), null, false)) {
      while (cursor.hasNext()) {
        Document d = cursor.next();
        if (p.test(d.toFlat())) {
          truth.put(d.id(), d);
        }
      }
    }
    assertThat(view).as("seed %d, %s", seed, s).isEqualTo(truth);
  }

  static List<Map<String, List<RecordingHandler.Hit>>> hitsOf(RecordingHandler[] handlers) {
    List<Map<String, List<RecordingHandler.Hit>>> out = new ArrayList<>();
    for (RecordingHandler h : handlers) {
      out.add(h.hits());
    }
    return out;
  }

  /**
   * The gateway's sendSnapshot procedures (docs/design/streamer.md) on a store snapshot pinned to a
   * seq, while writes flow: (a) read the snapshot at R, then subscribe with resumeAfter = R; (b)
   * subscribe (S), read a snapshot at R >= S, drop deliveries up to R. Applying the deliveries to
   * the snapshot strictly (create only for an absent document, update and delete only for a present
   * one) must end in the store's final state: no gap and no duplicate at the seam.
   */
  @Test
  void aSnapshotAtItsSeqFollowedByTheLaterChangesIsExact() throws Exception {
    long seed = seed("aSnapshotAtItsSeqFollowedByTheLaterChangesIsExact");
    Random random = new Random(seed);
    openStore();
    randomWrites(random, 500);
    startStreamer(defaults());
    RecordingHandler handler = new RecordingHandler();
    Stream stream = streamer.open("gw", handler);
    Thread writer = Thread.ofPlatform().start(() -> randomWrites(new Random(seed + 1), 1_500));
    record Aligned(String id, List<Filter> filters, Map<String, Document> view, long snapshotSeq) {}
    List<Aligned> aligned = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String id = "snap" + i;
      List<Filter> filters = filters(FILTERS[random.nextInt(FILTERS.length)]);
      if (i % 2 == 0) { // (a) snapshot first, then resume after its seq
        try (ReadSnapshot snapshot = store.snapshot()) {
          Map<String, Document> view = read(snapshot, filters);
          SubscribeResult r = stream.subscribe(SubscribeRequest.live(id, DB, ROOMS, filters)
              .withResumeAfter(snapshot.seq()));
          assertThat(r.resume()).isIn(SubscribeResult.Resume.REPLAY, SubscribeResult.Resume.UP_TO_DATE);
          aligned.add(new Aligned(id, filters, view, snapshot.seq()));
        }
      } else { // (b) subscribe first, then a snapshot at or after the live point
        SubscribeResult r = stream.subscribe(SubscribeRequest.live(id, DB, ROOMS, filters));
        try (ReadSnapshot snapshot = store.snapshot()) {
          assertThat(snapshot.seq()).isGreaterThanOrEqualTo(r.liveAfterSeq());
          aligned.add(new Aligned(id, filters, read(snapshot, filters), snapshot.seq()));
        }
      }
      sleepQuietly(random.nextInt(10));
    }
    writer.join();
    awaitCaughtUp();
    List<ChangeEvent> log = store.changeLog().read(0, Integer.MAX_VALUE);
    Oracle oracle = new Oracle(log);
    Map<Long, ChangeEvent> bySeq = new HashMap<>();
    log.forEach(c -> bySeq.put(c.seq(), c));
    await().atMost(WAIT).until(() -> {
      Map<String, List<RecordingHandler.Hit>> hits = handler.hits();
      return aligned.stream().allMatch(a -> hits.getOrDefault(a.id(), List.of()).stream()
          .filter(h -> h.seq() > a.snapshotSeq()).count()
          >= oracle.expected(a.id(), DB, ROOMS, a.filters(), a.snapshotSeq()).size());
    });
    Map<String, List<RecordingHandler.Hit>> hits = handler.hits();
    for (Aligned a : aligned) {
      Map<String, Document> view = new HashMap<>(a.view());
      for (RecordingHandler.Hit h : hits.getOrDefault(a.id(), List.of())) {
        if (h.seq() <= a.snapshotSeq()) {
          continue; // procedure (b) drops what the snapshot already shows
        }
        ChangeEvent c = bySeq.get(h.seq());
        String doc = c.path().id();
        switch (h.op()) {
          case CREATE -> assertThat(view.put(doc, c.liveAfter())).as("seed %d, %s: create of an absent %s", seed, a.id(),
              h).isNull();
          case UPDATE -> assertThat(view.put(doc, c.liveAfter())).as("seed %d, %s: update of a present %s", seed,
              a.id(), h).isNotNull();
          case DELETE -> assertThat(view.remove(doc)).as("seed %d, %s: delete of a present %s", seed, a.id(), h)
              .isNotNull();
        }
      }
      Map<String, Document> truth = read(store, a.filters());
      assertThat(view).as("seed %d, %s", seed, a.id()).isEqualTo(truth);
    }
  }

  static Map<String, Document> read(io.syntrix.store.ReadView view, List<Filter> filters) {
    DocumentPredicate p = DocumentPredicate.compile(filters);
    Map<String, Document> out = new HashMap<>();
    try (Cursor<Document> cursor = view.scanCollection(DB, CollectionPath.of(ROOMS), null, false)) {
      while (cursor.hasNext()) {
        Document d = cursor.next();
        if (p.test(d.toFlat())) {
          out.put(d.id(), d);
        }
      }
    }
    return out;
  }

  static List<RecordingHandler.Hit> expected(List<ChangeEvent> log, Sub s) {
    return Oracle.expected(log, s.id(), DB, ROOMS, s.filters(), s.startAfter());
  }

  @Test
  void resumeFromArbitrarySeqsDeliversEveryLaterMatchOnceInOrder() throws Exception {
    long seed = seed("resumeFromArbitrarySeqsDeliversEveryLaterMatchOnceInOrder");
    Random random = new Random(seed);
    openStore();
    randomWrites(random, 1_500);
    startStreamer(defaults().withReadBatch(100));
    RecordingHandler handler = new RecordingHandler();
    Stream stream = streamer.open("gw", handler);
    Thread writer = Thread.ofPlatform().start(() -> randomWrites(new Random(seed + 1), 1_500));
    List<Sub> subs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<Filter> filters = filters(FILTERS[random.nextInt(FILTERS.length)]);
      long resumeAfter = random.nextInt(3) == 0 ? streamer.position() : random.nextLong(store.changeLog().lastSeq() + 1);
      SubscribeResult r = stream.subscribe(SubscribeRequest.live("s" + i, DB, ROOMS, filters).withResumeAfter(resumeAfter));
      assertThat(r.resume()).isIn(SubscribeResult.Resume.REPLAY, SubscribeResult.Resume.UP_TO_DATE);
      subs.add(new Sub("s" + i, 0, filters, resumeAfter, true));
      if (i % 8 == 0) {
        sleepQuietly(5);
      }
    }
    writer.join();
    awaitCaughtUp();
    Oracle oracle = new Oracle(store.changeLog().read(0, Integer.MAX_VALUE));
    Map<String, List<RecordingHandler.Hit>> expected = new HashMap<>();
    for (Sub s : subs) {
      expected.put(s.id(), oracle.expected(s.id(), DB, ROOMS, s.filters(), s.startAfter()));
    }
    await().atMost(WAIT).until(() -> {
      Map<String, List<RecordingHandler.Hit>> hits = handler.hits();
      return subs.stream().allMatch(s -> hits.getOrDefault(s.id(), List.of()).size() >= expected.get(s.id()).size());
    });
    Map<String, List<RecordingHandler.Hit>> hits = handler.hits();
    for (Sub s : subs) {
      assertThat(hits.getOrDefault(s.id(), List.of())).as("seed %d, %s", seed, s)
          .containsExactlyElementsOf(expected.get(s.id()));
    }
    assertThat(meters.get("syntrix.streamer.deliveries").tag("kind", "replay").counter().count()).isPositive();
  }

  @Test
  void resumingAheadOfThePullerSkipsWhatTheClientHas() {
    openStore();
    randomWrites(new Random(1), 50);
    startStreamer(defaults());
    awaitCaughtUp();
    RecordingHandler handler = new RecordingHandler();
    Stream stream = streamer.open("gw", handler);
    long ahead = streamer.position() + 5;
    SubscribeResult r = stream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()).withResumeAfter(ahead));
    assertThat(r.resume()).isEqualTo(SubscribeResult.Resume.UP_TO_DATE);
    assertThat(r.liveAfterSeq()).isEqualTo(ahead);
    randomWrites(new Random(2), 10);
    awaitCaughtUp();
    List<ChangeEvent> log = store.changeLog().read(0, Integer.MAX_VALUE);
    List<RecordingHandler.Hit> expected = Oracle.expected(log, "all", DB, ROOMS, List.of(), ahead);
    await().atMost(WAIT).until(() -> handler.hits("all").size() == expected.size());
    assertThat(handler.hits("all")).containsExactlyElementsOf(expected).hasSize(5);
  }

  @Test
  void slowGatewayIsCutOffWithoutDelayingAFastOneAndResumesExactly() throws Exception {
    openStore();
    startStreamer(defaults().withQueueCapacity(100));
    RecordingHandler slow = new RecordingHandler();
    slow.gate = new CountDownLatch(1);
    RecordingHandler fast = new RecordingHandler();
    Stream slowStream = streamer.open("slow", slow);
    Stream fastStream = streamer.open("fast", fast);
    slowStream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()));
    fastStream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()));
    long start = streamer.position();
    Random random = new Random(3);
    for (int written = 50; written <= 1_000; written += 50) {
      // In batches smaller than the queue, so the fast gateway is never legitimately behind by a queue.
      randomWrites(random, 50);
      int target = written;
      await().atMost(WAIT).until(() -> fast.deliveries.size() == target);
    }
    assertThat(slow.deliveries).as("still blocked in its first delivery").isEmpty();
    assertThat(meters.get("syntrix.streamer.cutoffs").tag("reason", "slow_consumer").counter().count()).isEqualTo(1);
    assertThat(slowStream.isOpen()).isFalse();

    slow.gate.countDown();
    CutOff cutOff = slow.cutOff.get(10, TimeUnit.SECONDS);
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.SLOW_CONSUMER);
    assertThat(slow.deliveries).as("what was queued is still handed over").hasSize(101);
    long resumeAfter = cutOff.resumeAfter().get("all");
    assertThat(resumeAfter).isEqualTo(slow.deliveries.getLast().seq());

    RecordingHandler again = new RecordingHandler();
    Stream reopened = streamer.open("slow", again);
    assertThat(reopened.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()).withResumeAfter(resumeAfter))
        .resume()).isEqualTo(SubscribeResult.Resume.REPLAY);
    await().atMost(WAIT).until(() -> slow.deliveries.size() + again.deliveries.size() == 1_000);
    List<RecordingHandler.Hit> all = new ArrayList<>(slow.hits("all"));
    all.addAll(again.hits("all"));
    List<ChangeEvent> log = store.changeLog().read(0, Integer.MAX_VALUE);
    assertThat(all).containsExactlyElementsOf(Oracle.expected(log, "all", DB, ROOMS, List.of(), start));
    assertThat(fast.hits("all")).containsExactlyElementsOf(all);
  }

  /**
   * D12: the queue is bounded in bytes too. A gateway blocked on a few large documents is cut off
   * by the byte budget while its item budget (10,000) is nowhere near; a fast gateway on the same
   * changes is not; the resume position is exact.
   */
  @Test
  void aGatewayBehindOnFewLargeDocumentsIsCutOffByTheByteBudgetAndResumesExactly() throws Exception {
    openStore();
    startStreamer(defaults().withQueueBytes(1L << 20));
    RecordingHandler slow = new RecordingHandler();
    slow.gate = new CountDownLatch(1);
    RecordingHandler fast = new RecordingHandler();
    Stream slowStream = streamer.open("slow", slow);
    Stream fastStream = streamer.open("fast", fast);
    slowStream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()));
    fastStream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()));
    long start = streamer.position();
    String large = "x".repeat(100_000);
    int written = 0;
    for (; written < 4; written++) {
      put("big" + written, "{\"text\":\"" + large + written + "\"}");
    }
    int four = written;
    await().atMost(WAIT).until(() -> fast.deliveries.size() == four);
    assertThat(meters.get("syntrix.streamer.queue.bytes").tag("gateway", "slow").gauge().value())
        .as("four 100 kB documents, one of them held by the blocked handler").isBetween(400_000.0, 600_000.0);
    assertThat(meters.get("syntrix.streamer.queue.depth").tag("gateway", "slow").gauge().value()).isEqualTo(3);
    while (slowStream.isOpen() && written < 30) {
      put("big" + written, "{\"text\":\"" + large + written + "\"}");
      written++;
      int target = written;
      await().atMost(WAIT).until(() -> fast.deliveries.size() == target);
    }
    assertThat(slowStream.isOpen()).as("cut off by about 1 MiB of 100 kB documents").isFalse();
    assertThat(written).isBetween(10, 12);
    assertThat(meters.get("syntrix.streamer.cutoffs").tag("reason", "slow_consumer").counter().count()).isEqualTo(1);
    for (int i = 0; i < 5; i++, written++) { // more for the fast gateway, and for the slow one's replay
      put("small" + i, "{\"n\":" + i + "}");
    }
    int total = written;
    await().atMost(WAIT).until(() -> fast.deliveries.size() == total);
    assertThat(fastStream.isOpen()).isTrue();

    slow.gate.countDown();
    CutOff cutOff = slow.cutOff.get(10, TimeUnit.SECONDS);
    assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.SLOW_CONSUMER);
    assertThat(slow.deliveries.size()).as("everything queued is handed over").isBetween(9, 11);
    long resumeAfter = cutOff.resumeAfter().get("all");
    assertThat(resumeAfter).isEqualTo(slow.deliveries.getLast().seq());

    RecordingHandler again = new RecordingHandler();
    streamer.open("slow", again)
        .subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()).withResumeAfter(resumeAfter));
    await().atMost(WAIT).until(() -> slow.deliveries.size() + again.deliveries.size() == total);
    List<RecordingHandler.Hit> all = new ArrayList<>(slow.hits("all"));
    all.addAll(again.hits("all"));
    List<ChangeEvent> log = store.changeLog().read(0, Integer.MAX_VALUE);
    assertThat(all).containsExactlyElementsOf(Oracle.expected(log, "all", DB, ROOMS, List.of(), start));
    assertThat(fast.hits("all")).containsExactlyElementsOf(all);
  }

  @Test
  void resumingPastRetentionAsksForAReset() {
    AtomicBoolean future = new AtomicBoolean();
    java.time.Clock clock = new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return future.get() ? java.time.Instant.now().plus(Duration.ofDays(2)) : java.time.Instant.now();
      }
    };
    store = io.syntrix.store.rocksdb.RocksDocumentStore.open(io.syntrix.store.rocksdb.RocksStoreOptions
        .defaults(dir.resolve("store")).withRetention(Duration.ofDays(1)), clock);
    randomWrites(new Random(4), 30);
    future.set(true);
    while (store.purgeExpired().more()) {
      // purge in rounds
    }
    long purgedThrough = store.changeLog().firstSeq() - 1;
    assertThat(purgedThrough).isEqualTo(30);
    startStreamer(defaults());
    RecordingHandler handler = new RecordingHandler();
    Stream stream = streamer.open("gw", handler);
    SubscribeResult r = stream.subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()).withResumeAfter(10));
    assertThat(r.resume()).isEqualTo(SubscribeResult.Resume.RESET);
    assertThat(r.liveAfterSeq()).isEqualTo(30);
    assertThat(meters.get("syntrix.streamer.resets").counter().count()).isEqualTo(1);
    store.write(new Write.Replace(DB, DocumentPath.of(ROOMS + "/x"), json("{}"), List.of()));
    await().atMost(WAIT).until(() -> handler.deliveries.size() == 1);
    assertThat(handler.deliveries.getFirst().seq()).isEqualTo(31);
  }

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
