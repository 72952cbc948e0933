package io.syntrix.streamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.syntrix.link.GrpcStreamer;
import io.syntrix.link.LinkOptions;
import io.syntrix.link.LinkServer;
import io.syntrix.link.proto.GatewayFrame;
import io.syntrix.link.proto.Hello;
import io.syntrix.link.proto.LinkGrpc;
import io.syntrix.link.proto.StreamerFrame;
import io.syntrix.link.proto.Subscribe;
import io.syntrix.link.proto.Welcome;
import io.syntrix.model.ErrorCode;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the link does: relaying the streamer's own cut-offs, losing the link, heartbeats, protocol errors. */
class GrpcLinkTest extends StreamerTestSupport {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final LinkOptions LINK = GrpcStreamerContractTest.LINK;

  LinkServer server;
  GrpcStreamer client;

  @AfterEach
  void closeLink() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  Stream openOverTheLink(RecordingHandler h) {
    openStore();
    startStreamer(defaults());
    server = LinkServer.start(streamer, new InetSocketAddress("127.0.0.1", 0), LINK);
    client = GrpcStreamer.connect("127.0.0.1", server.port(), LINK);
    Stream stream = client.open("gw", h);
    stream.subscribe(SubscribeRequest.live("A", DB, ROOMS, List.of()));
    return stream;
  }

  @Test
  void theStreamersShutdownReachesTheGatewayWithItsExactPositions() throws Exception {
    RecordingHandler h = new RecordingHandler();
    Stream stream = openOverTheLink(h);
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 1);
    streamer.close();
    CutOff cutOff = h.cutOff.get(30, TimeUnit.SECONDS);
    assertThat(cutOff).isEqualTo(new CutOff(CutOff.Reason.SHUTDOWN, Map.of("A", s1)));
    assertThat(stream.isOpen()).isFalse();
    assertThat(client.isRunning()).as("a gateway's /ready sees the streamer stopped").isFalse();
    assertThat(client.notRunningReason()).contains("the link to the streamer at 127.0.0.1:");
  }

  @Test
  void aBrokenLinkCutsTheStreamOffWithWhatItWasHanded() throws Exception {
    RecordingHandler h = new RecordingHandler();
    Stream stream = openOverTheLink(h);
    long s1 = put("d1", "{}");
    long s2 = put("d2", "{}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 2);
    server.close();
    CutOff cutOff = h.cutOff.get(30, TimeUnit.SECONDS);
    assertThat(cutOff).isEqualTo(new CutOff(CutOff.Reason.LINK_LOST, Map.of("A", s2)));
    assertThat(h.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s1, s2);
    assertThat(stream.isOpen()).isFalse();
    await().atMost(WAIT).until(() -> !client.isRunning());
  }

  @Test
  void aGatewayGivesUpOnASilentStreamer() throws Exception {
    // A "streamer" that welcomes and then says nothing more, not even heartbeats.
    Server silent = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new LinkGrpc.LinkImplBase() {
          @Override
          public StreamObserver<GatewayFrame> connect(StreamObserver<StreamerFrame> out) {
            return new StreamObserver<>() {
              @Override
              public void onNext(GatewayFrame f) {
                if (f.hasHello()) {
                  out.onNext(StreamerFrame.newBuilder().setWelcome(Welcome.newBuilder().setProtocolVersion(1)
                      .setHeartbeatIntervalMs(200).setRunning(true)).build());
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            };
          }
        }).build().start();
    try {
      client = GrpcStreamer.connect("127.0.0.1", silent.getPort(),
          LINK.withHeartbeat(Duration.ofMillis(100), Duration.ofMillis(600)));
      RecordingHandler h = new RecordingHandler();
      long started = System.nanoTime();
      client.open("gw", h);
      CutOff cutOff = h.cutOff.get(30, TimeUnit.SECONDS);
      assertThat(cutOff.reason()).isEqualTo(CutOff.Reason.LINK_LOST);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    } finally {
      silent.shutdownNow();
    }
  }

  @Test
  void theStreamerDropsASilentGatewayAndRefusesProtocolViolations() throws Exception {
    openStore();
    startStreamer(defaults());
    server = LinkServer.start(streamer, new InetSocketAddress("127.0.0.1", 0),
        LINK.withHeartbeat(Duration.ofMillis(100), Duration.ofMillis(500)));
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      // Says hello, then nothing: no heartbeats.
      CompletableFuture<Status> ended = new CompletableFuture<>();
      StreamObserver<GatewayFrame> mute = LinkGrpc.newStub(channel).connect(ending(ended));
      mute.onNext(GatewayFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1).setGatewayId("mute")
          .setHeartbeatIntervalMs(100)).build());
      assertThat(ended.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      // A subscribe before the hello.
      CompletableFuture<Status> refused = new CompletableFuture<>();
      StreamObserver<GatewayFrame> rude = LinkGrpc.newStub(channel).connect(ending(refused));
      rude.onNext(GatewayFrame.newBuilder().setSubscribe(Subscribe.newBuilder().setTag(1).setDatabase(DB)
          .setCollection(ROOMS).setResumeAfter(-1)).build());
      assertThat(refused.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    } finally {
      channel.shutdownNow();
    }
  }

  static StreamObserver<StreamerFrame> ending(CompletableFuture<Status> ended) {
    return new StreamObserver<>() {
      @Override
      public void onNext(StreamerFrame f) {}

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    };
  }

  @Test
  void openingWithoutAStreamerFailsAsUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    client = GrpcStreamer.connect("127.0.0.1", port, LINK);
    assertThatThrownBy(() -> client.open("gw", new RecordingHandler()))
        .isInstanceOfSatisfying(StreamerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  /**
   * A handler that subscribes on the delivery thread while the gateway has stopped reading (its
   * inbox full, the streamer's call not ready) still gets its reply: the gateway reads on while a
   * reply is awaited.
   */
  @Test
  void aSubscribeFromTheDeliveryThreadIsAnsweredWhileTheGatewayIsBehind() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<SubscribeResult> fromHandler = new CompletableFuture<>();
    AtomicReference<Stream> self = new AtomicReference<>();
    RecordingHandler h = new RecordingHandler() {
      @Override
      public void onDelivery(EventDelivery delivery) {
        if (!fromHandler.isDone()) {
          awaitQuietly(release);
          try {
            fromHandler.complete(self.get().subscribe(SubscribeRequest.live("B", DB, ROOMS, List.of())));
          } catch (RuntimeException e) {
            fromHandler.completeExceptionally(e);
          }
        }
        super.onDelivery(delivery);
      }
    };
    Stream stream = openOverTheLink(h);
    self.set(stream);
    String padding = "x".repeat(1_000);
    for (int i = 0; i < 400; i++) {
      put("d" + (i % 50), "{\"n\":" + i + ",\"pad\":\"" + padding + "\"}");
    }
    await().atMost(WAIT).until(() -> streamer.position() == store.changeLog().lastSeq());
    await().atMost(WAIT).until(() -> meters.get("syntrix.streamer.queue.depth").tag("gateway", "gw").gauge().value() > 10);
    release.countDown();
    SubscribeResult b = fromHandler.get(30, TimeUnit.SECONDS);
    assertThat(b.resume()).isEqualTo(SubscribeResult.Resume.NONE);
    await().atMost(WAIT).until(() -> h.hits("A").size() == 400);
    long next = put("e", "{}");
    await().atMost(WAIT).until(() -> h.hits("B").stream().anyMatch(hit -> hit.seq() == next));
    assertThat(h.cutOff).isNotDone();
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void anInvalidSubscribeIsRefusedAndTheStreamStaysOpen() {
    RecordingHandler h = new RecordingHandler();
    Stream stream = openOverTheLink(h);
    assertThatThrownBy(() -> stream.subscribe(SubscribeRequest.live("bad", DB, "not/a/collection/", List.of())))
        .isInstanceOf(io.syntrix.model.SyntrixException.class);
    assertThat(stream.isOpen()).isTrue();
    long s1 = put("d1", "{}");
    await().atMost(WAIT).until(() -> h.deliveries.size() == 1);
    assertThat(h.hits("A")).extracting(RecordingHandler.Hit::seq).containsExactly(s1);
    assertThat(h.hits("bad")).isEmpty();
  }
}
