package io.syntrix.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbox's accounting against a transport we complete by hand (the true seam: the socket). */
class OutboxTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A transport whose writes complete only when the test says so. */
  private static final class HeldTransport implements Outbox.Transport {
    final List<Promise<Void>> writes = new CopyOnWriteArrayList<>();
    final List<OutFrame> frames = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> write(OutFrame frame) {
      Promise<Void> p = Promise.promise();
      frames.add(frame);
      writes.add(p);
      return p.future();
    }
  }

  private static OutFrame frame(int bytes) {
    return OutFrame.control(new byte[bytes]);
  }

  private void onContext(Runnable r) {
    context.runOnContext(v -> r.run());
  }

  @Test
  void pendingBytesCountQueueAndTransportAndOffersPastTheBudgetAreRefused() {
    HeldTransport transport = new HeldTransport();
    Outbox outbox = new Outbox(context, transport, 10_000, 1_000, 3_000);
    for (int i = 0; i < 9; i++) {
      assertThat(outbox.offer(frame(1_000))).isTrue();
    }
    // Only the window's worth goes to the transport; the rest waits where it is counted.
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.frames.size() == 3);
    assertThat(outbox.pendingBytes()).isEqualTo(9_000);
    assertThat(outbox.offer(frame(1_001))).as("would pass 10,000").isFalse();
    assertThat(outbox.offer(frame(1_000))).isTrue();
    assertThat(outbox.offer(frame(1))).isFalse();
    // A completed write frees its bytes and lets the next frame in.
    onContext(() -> transport.writes.getFirst().complete());
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.frames.size() == 4);
    assertThat(outbox.pendingBytes()).isEqualTo(9_000);
  }

  @Test
  void theFrameCountIsBoundedToo() {
    Outbox outbox = new Outbox(context, new HeldTransport(), 1 << 20, 5, 0 + 1024);
    int accepted = 0;
    while (outbox.offer(frame(10))) {
      accepted++;
    }
    assertThat(accepted).isBetween(5, 5 + 1024 / 10); // 5 queued, plus what the transport took meanwhile
  }

  @Test
  void waitersRunOnceBelowTheirMarkAndWhenTheOutboxCloses() {
    HeldTransport transport = new HeldTransport();
    Outbox outbox = new Outbox(context, transport, 100_000, 1_000, 100_000);
    for (int i = 0; i < 4; i++) {
      outbox.offer(frame(1_000));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.frames.size() == 4);
    AtomicInteger low = new AtomicInteger();
    AtomicInteger onClose = new AtomicInteger();
    outbox.whenBelow(2_000, low::incrementAndGet);
    outbox.whenBelow(0, onClose::incrementAndGet);
    onContext(() -> transport.writes.get(0).complete());
    onContext(() -> transport.writes.get(1).complete());
    await().atMost(Duration.ofSeconds(5)).until(() -> low.get() == 1);
    assertThat(onClose.get()).isZero();
    assertThat(outbox.close()).isEqualTo(2_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> onClose.get() == 1);
    assertThat(outbox.offer(frame(1))).as("closed").isFalse();
    assertThat(low.get()).isEqualTo(1);
  }

  @Test
  void aTransportThatCompletesAtOnceDrainsThousandsOfFramesWithoutRecursion() {
    List<OutFrame> written = new ArrayList<>();
    Outbox outbox = new Outbox(context, f -> {
      written.add(f);
      return Future.succeededFuture();
    }, 100 << 20, 100_000, 64);
    onContext(() -> {
      for (int i = 0; i < 50_000; i++) {
        outbox.offer(frame(100));
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> outbox.pendingBytes() == 0 && written.size() == 50_000);
  }
}
