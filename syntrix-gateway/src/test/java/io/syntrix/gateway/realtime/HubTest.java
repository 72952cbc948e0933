package io.syntrix.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.store.Write;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.DeliveryHandler;
import io.syntrix.streamer.EventDelivery;
import io.syntrix.streamer.InProcessStreamer;
import io.syntrix.streamer.Stream;
import io.syntrix.streamer.Streamer;
import io.syntrix.streamer.StreamerOptions;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.SubscribeResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub on a real streamer over a real store, with connections that keep what they are handed
 * instead of writing it to a socket: what the hub shares between recipients, and subscribes that
 * race a reopen of its stream. The stream is cut off by opening another one under the hub's
 * gateway id (REPLACED), as a second gateway with the same id would; two tests place that cut-off
 * at an exact moment, from inside {@link Stream#subscribe}.
 */
class HubTest {
  private static final String DB = "db1";
  private static final String ROOMS = "rooms";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final RealtimeOptions options = RealtimeOptions.defaults();
  private final RealtimeMetrics metrics = new RealtimeMetrics();
  private RocksDocumentStore store;
  private InProcessStreamer streamer;
  private Vertx vertx;
  private WorkerExecutor catchUpWorkers;
  private CatchUps catchUps;
  private Hub hub;

  @BeforeEach
  void start() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("store")));
    streamer = InProcessStreamer.start(store.changeLog(), StreamerOptions.defaults().withMeters(meters));
    vertx = Vertx.vertx();
    catchUpWorkers = vertx.createSharedWorkerExecutor("hub-test-catchup", 1);
    catchUps = new CatchUps(store, catchUpWorkers, options, metrics);
    hub = new Hub(streamer);
  }

  @AfterEach
  void stop() {
    hub.close();
    streamer.close();
    store.close();
    catchUpWorkers.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /**
   * The real streamer, with a hook run inside {@link Stream#subscribe} before the request reaches
   * it: the moment between the hub's check that its stream is open and the registration.
   */
  private static final class Intercepting implements Streamer {
    private final Streamer real;
    volatile Consumer<SubscribeRequest> beforeSubscribe = r -> {};
    /** The handler the hub gave its latest stream. */
    volatile DeliveryHandler handler;
    /** Opens to refuse before one goes through, as a streamer out of reach refuses them. */
    final AtomicInteger refuseOpens = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    Intercepting(Streamer real) {
      this.real = real;
    }

    @Override
    public Stream open(String gatewayId, DeliveryHandler handler) {
      if (refuseOpens.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        refused.incrementAndGet();
        throw new IllegalStateException("the streamer cannot be reached (test)");
      }
      Stream stream = real.open(gatewayId, handler);
      this.handler = handler;
      return new Stream() {
        @Override
        public String gatewayId() {
          return stream.gatewayId();
        }

        @Override
        public SubscribeResult subscribe(SubscribeRequest request) {
          beforeSubscribe.accept(request);
          return stream.subscribe(request);
        }

        @Override
        public boolean unsubscribe(String subscriptionId) {
          return stream.unsubscribe(subscriptionId);
        }

        @Override
        public boolean isOpen() {
          return stream.isOpen();
        }

        @Override
        public void close() {
          stream.close();
        }
      };
    }

    @Override
    public boolean isRunning() {
      return real.isRunning();
    }

    @Override
    public void close() {}
  }

  private Intercepting intercepted() {
    hub.close();
    Intercepting streamer = new Intercepting(this.streamer);
    hub = new Hub(streamer);
    return streamer;
  }

  /** A connection without a transport: it keeps every frame handed to {@link #write}, written at once. */
  private final class Capturing extends Connection {
    final List<OutFrame> written = new CopyOnWriteArrayList<>();

    Capturing() {
      super(vertx.getOrCreateContext(), options, metrics, catchUps);
    }

    @Override
    Future<Void> write(OutFrame frame) {
      written.add(frame);
      return Future.succeededFuture();
    }

    @Override
    void closeTransport(short code, String reason) {}

    @Override
    void abortTransport() {}

    List<OutFrame> events() {
      return written.stream().filter(f -> f.seq() >= 0).toList();
    }
  }

  /** Opens a live subscription to every room on {@code c} the way {@link Subscriptions} does, gate open. */
  private ClientSubscription subscribe(Capturing c, String clientId, boolean includeData) {
    String streamerId = c.id() + "/" + clientId + "#1";
    Query all = new Query(CollectionPath.of(ROOMS), List.of(), List.of(), 0, null, false);
    ClientSubscription sub = new ClientSubscription(streamerId, DB,
        new ClientSubscription.Spec(clientId, all, includeData, false, SubscribeRequest.LIVE));
    assertThat(c.add(sub)).isTrue();
    SubscribeResult result = hub.subscribe(c, sub, SubscribeRequest.live(streamerId, DB, ROOMS, List.of()));
    assertThat(c.registered(sub, result.liveAfterSeq())).isTrue();
    c.catchUpFrom(sub, result.liveAfterSeq());
    assertThat(c.tryFinishCatchUp(sub)).as("a live subscription's gate opens at once").isTrue();
    return sub;
  }

  private long put(String id, String json) {
    return store.write(new Write.Replace(DB, DocumentPath.of(ROOMS + "/" + id), (MapValue) Json.parse(json),
        List.of())).seq();
  }

  private static MapValue parse(OutFrame frame) {
    return (MapValue) Json.parse(frame.content().toString(StandardCharsets.UTF_8));
  }

  private double streamerSubscriptions() {
    return meters.get("syntrix.streamer.subscriptions").gauge().value();
  }

  @Test
  void oneChangeIsEncodedOnceForEveryRecipientOfTheSameVariant() {
    Capturing a = new Capturing();
    Capturing b = new Capturing();
    Capturing idsOnly = new Capturing();
    subscribe(a, "sa", true);
    subscribe(b, "sb", true);
    subscribe(idsOnly, "sc", false);
    long seq = put("r1", "{\"name\":\"lobby\"}");
    await().atMost(WAIT).until(() -> a.events().size() == 1 && b.events().size() == 1 && idsOnly.events().size() == 1);

    OutFrame first = a.events().get(0);
    OutFrame second = b.events().get(0);
    assertThat(second.shared()).as("the delta is shared, not copied").isSameAs(first.shared());
    assertThat(second.head()).isNotSameAs(first.head());
    assertThat(idsOnly.events().get(0).shared()).as("another variant").isNotSameAs(first.shared());

    for (Capturing c : List.of(a, b)) {
      OutFrame frame = c.events().get(0);
      assertThat(frame.seq()).isEqualTo(seq);
      MapValue event = parse(frame);
      assertThat(event.get("type")).isEqualTo(new StringValue("event"));
      MapValue payload = (MapValue) event.get("payload");
      assertThat(payload.get("subId")).isEqualTo(new StringValue(c == a ? "sa" : "sb"));
      assertThat(payload.get("seq")).isEqualTo(new IntegerValue(seq));
      MapValue delta = (MapValue) payload.get("delta");
      assertThat(delta.get("type")).isEqualTo(new StringValue("create"));
      assertThat(delta.get("id")).isEqualTo(new StringValue("rooms/r1"));
      assertThat(delta.get("seq")).isEqualTo(new IntegerValue(seq));
      assertThat(((MapValue) delta.get("document")).get("name")).isEqualTo(new StringValue("lobby"));
      assertThat(frame.size()).isEqualTo(frame.content().readableBytes());
    }
    MapValue withoutData = (MapValue) ((MapValue) parse(idsOnly.events().get(0)).get("payload")).get("delta");
    assertThat(withoutData.get("id")).isEqualTo(new StringValue("rooms/r1"));
    assertThat(withoutData.get("document")).isNull();
  }

  /** Takes the hub's gateway id: the streamer cuts the hub's stream off (REPLACED); ignores what it gets. */
  private void cutTheHubOff() {
    streamer.open(hub.gatewayId(), new DeliveryHandler() {
      @Override
      public void onDelivery(EventDelivery delivery) {}

      @Override
      public void onCutOff(CutOff cutOff) {}
    });
  }

  @Test
  void subscribesRacingAReopenOfTheStreamEachRegisterOnceOnTheNewStream() throws Exception {
    int rounds = 12;
    int threads = 8;
    int perThread = 4;
    List<Capturing> connections = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int round = 0; round < rounds; round++) {
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String prefix = "r" + round + "t" + t + "s";
        workers.add(Thread.ofPlatform().name("subscriber-" + prefix).start(() -> {
          try {
            go.await();
            for (int k = 0; k < perThread; k++) {
              Capturing c = new Capturing();
              subscribe(c, prefix + k, true);
              connections.add(c);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      // Even rounds: the stream is already cut off when the subscribes start. Odd rounds: it is
      // cut off while they are under way.
      if (round % 2 == 0) {
        cutTheHubOff();
        go.countDown();
      } else {
        go.countDown();
        cutTheHubOff();
      }
      for (Thread w : workers) {
        w.join(WAIT.toMillis());
      }
    }
    assertThat(failures).as("every subscribe succeeds").isEmpty();
    int total = rounds * threads * perThread;
    assertThat(connections).hasSize(total);
    assertThat(hub.subscriptions()).isEqualTo(total);
    await().atMost(WAIT).untilAsserted(() -> assertThat(streamerSubscriptions())
        .as("each route registered once on the hub's current stream").isEqualTo(total));

    long first = put("after", "{\"n\":1}");
    long second = put("after", "{\"n\":2}");
    assertEachGot(connections, first, second);
    assertThat(streamerSubscriptions()).isEqualTo(total);
  }

  /**
   * Every frame of every connection is an event of exactly {@code seqs}, in order: nothing else, no
   * error. A connection's events come in seq order, so once the last one is in, every other is.
   */
  private static void assertEachGot(List<Capturing> connections, long... seqs) {
    long last = seqs[seqs.length - 1];
    await().atMost(WAIT).until(() -> connections.stream().anyMatch(Connection::isClosed)
        || connections.stream().allMatch(c -> c.events().stream().anyMatch(f -> f.seq() == last)));
    for (Capturing c : connections) {
      assertThat(c.written).extracting(OutFrame::seq).as("%s: these events exactly once, nothing else", c.id())
          .containsExactly(java.util.Arrays.stream(seqs).boxed().toArray(Long[]::new));
    }
  }

  @Test
  void aCutOffBetweenTheOpenCheckAndTheRegistrationRegistersOnTheNewStream() {
    Intercepting intercepting = intercepted();
    List<Capturing> connections = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Capturing c = new Capturing();
      subscribe(c, "before" + i, true);
      connections.add(c);
    }
    AtomicInteger cutOffs = new AtomicInteger();
    intercepting.beforeSubscribe = request -> {
      if (request.subscriptionId().endsWith("/racing#1") && cutOffs.getAndIncrement() == 0) {
        cutTheHubOff(); // after the hub saw its stream open, before the streamer registers
      }
    };
    Capturing racing = new Capturing();
    subscribe(racing, "racing", true);
    connections.add(racing);
    assertThat(cutOffs.get()).as("registered again after the cut-off").isEqualTo(2);

    assertThat(hub.subscriptions()).isEqualTo(4);
    await().atMost(WAIT).untilAsserted(() -> assertThat(streamerSubscriptions()).isEqualTo(4));
    long first = put("r", "{\"n\":1}");
    long second = put("r", "{\"n\":2}");
    assertEachGot(connections, first, second);
  }

  @Test
  void aStreamerOutOfReachIsRetriedWithBackoffAndEveryRouteResumesWhereItWas() {
    Intercepting intercepting = intercepted();
    List<Capturing> connections = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Capturing c = new Capturing();
      subscribe(c, "held" + i, true);
      connections.add(c);
    }
    long before = put("r", "{\"n\":0}");
    assertEachGot(connections, before);
    intercepting.refuseOpens.set(4);
    cutTheHubOff();
    long during1 = put("r", "{\"n\":1}");
    long during2 = put("r", "{\"n\":2}");
    await().atMost(WAIT).untilAsserted(() -> assertThat(intercepting.refused.get()).isEqualTo(4));
    long after = put("r", "{\"n\":3}");
    // Every change exactly once, in order: what was written while the streamer was out of reach too.
    assertEachGot(connections, before, during1, during2, after);
    assertThat(hub.subscriptions()).isEqualTo(3);
  }

  @Test
  void aCutOffWhileReopeningLeavesTheRestToTheNextReopenFromWhereTheyWere() {
    Intercepting intercepting = intercepted();
    List<Capturing> connections = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Capturing c = new Capturing();
      subscribe(c, "s" + i, true);
      connections.add(c);
    }
    long w1 = put("r", "{\"n\":1}");
    await().atMost(WAIT).until(() -> connections.stream().allMatch(c -> c.events().size() == 1));

    // The reopen after the first cut-off: a change lands before it re-registers anyone, and its
    // new stream is cut off at its third re-registration, so four routes are left to the next reopen.
    long[] w2 = {-1};
    AtomicInteger reRegistrations = new AtomicInteger();
    intercepting.beforeSubscribe = request -> {
      int n = reRegistrations.incrementAndGet();
      if (n == 1) {
        w2[0] = put("r", "{\"n\":2}");
        await().atMost(WAIT).until(() -> streamer.position() >= w2[0]);
      } else if (n == 3) {
        cutTheHubOff();
      }
    };
    cutTheHubOff();
    // Settled: the hub's stream was reopened twice and holds every route again.
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(reRegistrations.get()).isGreaterThanOrEqualTo(3 + 6);
      assertThat(streamerSubscriptions()).isEqualTo(6);
    });
    long w3 = put("r", "{\"n\":3}");
    assertEachGot(connections, w1, w2[0], w3);
  }

  /**
   * A change the streamer gave up on reaches exactly the subscriptions it named, as an error with
   * their client id and a stable code, in order with their events; they stay live.
   */
  @Test
  void aSkippedChangeIsReportedToTheSubscriptionsItConcernedWhichStayLive() {
    Intercepting intercepting = intercepted();
    Capturing a = new Capturing();
    Capturing b = new Capturing();
    ClientSubscription sa = subscribe(a, "sa", true);
    subscribe(b, "sb", true);
    long before = put("r1", "{\"n\":1}");
    await().atMost(WAIT).until(() -> a.events().size() == 1 && b.events().size() == 1);

    intercepting.handler.onChangeFailed(List.of(sa.streamerId), before + 1, "IllegalStateException: boom");
    long after = put("r2", "{\"n\":2}");
    await().atMost(WAIT).until(() -> a.events().size() == 2 && b.events().size() == 2);

    List<MapValue> frames = a.written.stream().map(HubTest::parse).toList();
    assertThat(frames).extracting(f -> f.get("type"))
        .containsExactly(new StringValue("event"), new StringValue("error"), new StringValue("event"));
    MapValue error = frames.get(1);
    assertThat(error.get("id")).isEqualTo(new StringValue("sa"));
    MapValue payload = (MapValue) error.get("payload");
    assertThat(payload.get("code")).isEqualTo(new StringValue("change_failed"));
    assertThat(((StringValue) payload.get("message")).value()).contains("change " + (before + 1))
        .contains("IllegalStateException: boom");
    assertThat(a.events().get(1).seq()).isEqualTo(after);
    assertThat(b.written).as("not named, not told").noneMatch(f -> f.seq() < 0);
  }
}
