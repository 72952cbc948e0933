package io.syntrix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LedgerTest {
  private static final long MS = 1_000_000L;

  @Test
  void healthyRunIsExactlyOnce() {
    Ledger l = new Ledger(2, 10, 100);
    int a = l.addSubscription(0);
    int b = l.addSubscription(0);
    int c = l.addSubscription(1);
    l.freeze();
    int w0 = l.newWrite(0, 0);
    int w1 = l.newWrite(1, 0);
    l.acked(w0, 5 * MS);
    l.acked(w1, 5 * MS);
    l.received(a, w0, 7 * MS);
    l.received(b, w0, 9 * MS);
    l.received(c, w1, 6 * MS);

    Ledger.Accounting r = l.account(0, Long.MAX_VALUE);
    assertThat(r.expected()).isEqualTo(3);
    assertThat(r.delivered()).isEqualTo(3);
    assertThat(r.received()).isEqualTo(3);
    assertThat(r.missing()).isZero();
    assertThat(r.duplicated()).isZero();
    assertThat(r.unexpected()).isZero();
    assertThat(r.exactlyOnce()).isTrue();
    assertThat(r.ackToReceipt().getTotalCount()).isEqualTo(3);
    assertThat(r.ackToReceipt().getMaxValue()).isBetween(3_990L, 4_010L); // 9 ms - 5 ms, in microseconds
    assertThat(r.sendToReceipt().getMaxValue()).isBetween(8_990L, 9_010L);
  }

  @Test
  void countsMissingDuplicatedAndEveryKindOfUnexpected() {
    Ledger l = new Ledger(2, 10, 100);
    int a = l.addSubscription(0);
    int b = l.addSubscription(0);
    int c = l.addSubscription(1);
    l.freeze();
    int w0 = l.newWrite(0, 0); // acked, a once, b twice: 1 duplicate
    int w1 = l.newWrite(1, 0); // acked, c never: 1 missing; a gets it: wrong room
    int w2 = l.newWrite(0, 0); // failed, yet a received it: unacknowledged write
    int w3 = l.newWrite(0, 0); // never resolved, nobody received it: nothing expected
    l.acked(w0, MS);
    l.acked(w1, MS);
    l.failed(w2);
    l.received(a, w0, 2 * MS);
    l.received(b, w0, 2 * MS);
    l.received(b, w0, 3 * MS);
    l.received(a, w1, 2 * MS);
    l.received(a, w2, 2 * MS);
    l.received(a, 99, 2 * MS); // not a write of this run
    l.received(-1, w0, 2 * MS); // a subscription id the tool never made
    l.receivedUnknown(2 * MS); // an id of another shape

    Ledger.Accounting r = l.account(0, Long.MAX_VALUE);
    assertThat(r.writes()).isEqualTo(4);
    assertThat(r.acked()).isEqualTo(2);
    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.pending()).isEqualTo(1);
    assertThat(r.expected()).isEqualTo(3); // w0 -> a, b; w1 -> c
    assertThat(r.received()).isEqualTo(8);
    assertThat(r.delivered()).isEqualTo(2);
    assertThat(r.missing()).isEqualTo(1);
    assertThat(r.writesMissingSomewhere()).isEqualTo(1);
    assertThat(r.duplicated()).isEqualTo(1);
    assertThat(r.unexpectedWrongRoom()).isEqualTo(1);
    assertThat(r.unexpectedUnknownWrite()).isEqualTo(2);
    assertThat(r.unexpectedUnknownSubscription()).isEqualTo(1);
    assertThat(r.unexpectedUnackedWrite()).isEqualTo(1);
    assertThat(r.unexpected()).isEqualTo(5);
    assertThat(r.exactlyOnce()).isFalse();
    // received = delivered once + duplicates + unexpected
    assertThat(r.received()).isEqualTo(r.delivered() + r.duplicated() + r.unexpected());
  }

  @Test
  void eventsBeforeTheirAckAreClampedToZeroAndCounted() {
    Ledger l = new Ledger(1, 10, 10);
    int a = l.addSubscription(0);
    l.freeze();
    int w = l.newWrite(0, 10 * MS);
    l.received(a, w, 12 * MS); // the event beats the HTTP response by 3 ms
    assertThat(l.outstanding()).isEqualTo(-1); // receipts are counted before their ack
    l.acked(w, 15 * MS);
    assertThat(l.outstanding()).isZero();

    Ledger.Accounting r = l.account(0, Long.MAX_VALUE);
    assertThat(r.negativeAckToReceipt()).isEqualTo(1);
    assertThat(r.mostNegativeAckToReceiptMicros()).isEqualTo(-3_000);
    assertThat(r.ackToReceipt().getMaxValue()).isZero();
    assertThat(r.sendToReceipt().getMaxValue()).isBetween(1_990L, 2_010L);
    assertThat(r.sendToAck().getMaxValue()).isBetween(4_990L, 5_010L);
  }

  @Test
  void latenciesOnlyForWritesSentInTheWindowButAccountingForAll() {
    Ledger l = new Ledger(1, 10, 10);
    int a = l.addSubscription(0);
    l.freeze();
    int warm = l.newWrite(0, 1 * MS);
    int measured = l.newWrite(0, 100 * MS);
    l.acked(warm, 2 * MS);
    l.acked(measured, 101 * MS);
    l.received(a, measured, 102 * MS);

    Ledger.Accounting r = l.account(50 * MS, 200 * MS);
    assertThat(r.ackToReceipt().getTotalCount()).isEqualTo(1);
    assertThat(r.missing()).isEqualTo(1); // the warm-up write still has to arrive
  }

  @Test
  void phasesCountTheirOwnWritesAndStrays() {
    Ledger l = new Ledger(2, 10, 100);
    int a = l.addSubscription(0);
    int b = l.addSubscription(1);
    l.freeze();
    l.phases(100 * MS, 200 * MS, 300 * MS);
    int warm = l.newWrite(0, 50 * MS); // before the phases: in the totals only
    int inA = l.newWrite(0, 150 * MS);
    int inB = l.newWrite(0, 250 * MS);
    int inB2 = l.newWrite(1, 260 * MS);
    for (int w : new int[] {warm, inA, inB, inB2}) {
      l.acked(w, 0);
    }
    l.received(a, warm, 60 * MS);
    l.received(a, inA, 160 * MS);
    l.received(a, inB, 255 * MS);
    l.received(a, inB, 256 * MS); // duplicate in B
    l.received(a, inB2, 270 * MS); // wrong room, belongs to B (its write); b misses inB2
    l.receivedUnknown(170 * MS); // no write: belongs to A by arrival time
    l.receivedUnknown(400 * MS); // after the phases: totals only

    Ledger.Accounting r = l.account(100 * MS, 300 * MS);
    assertThat(r.phases()).hasSize(2);
    Ledger.Phase pa = r.phases().get(0);
    Ledger.Phase pb = r.phases().get(1);
    assertThat(pa.writes()).isEqualTo(1);
    assertThat(pa.expected()).isEqualTo(1);
    assertThat(pa.delivered()).isEqualTo(1);
    assertThat(pa.duplicated()).isZero();
    assertThat(pa.missing()).isZero();
    assertThat(pa.unexpected()).isEqualTo(1);
    assertThat(pa.sendToReceipt().getTotalCount()).isEqualTo(1);
    assertThat(pb.writes()).isEqualTo(2);
    assertThat(pb.expected()).isEqualTo(2);
    assertThat(pb.delivered()).isEqualTo(1);
    assertThat(pb.duplicated()).isEqualTo(1);
    assertThat(pb.missing()).isEqualTo(1);
    assertThat(pb.writesMissingSomewhere()).isEqualTo(1);
    assertThat(pb.unexpected()).isEqualTo(1);
    assertThat(pb.exactlyOnce()).isFalse();
    assertThat(r.expected()).isEqualTo(4);
    assertThat(r.unexpected()).isEqualTo(3);
    assertThat(r.ackToReceipt().getTotalCount()).isEqualTo(2); // the window holds A and B
  }

  @Test
  void withoutPhasesThereAreNone() {
    Ledger l = new Ledger(1, 10, 10);
    l.addSubscription(0);
    l.freeze();
    assertThat(l.account(0, Long.MAX_VALUE).phases()).isEmpty();
    assertThat(l.phaseOf(5)).isEqualTo(-1);
  }

  @Test
  void roomsWithoutSubscribersExpectNothingAndCapacityIsReported() {
    Ledger l = new Ledger(3, 2, 100);
    l.addSubscription(0);
    l.freeze();
    int w = l.newWrite(2, 0);
    l.acked(w, 1);
    assertThat(l.newWrite(0, 0)).isEqualTo(1);
    assertThat(l.newWrite(0, 0)).isEqualTo(-1); // full: the caller counts it, never silent
    Ledger.Accounting r = l.account(0, Long.MAX_VALUE);
    assertThat(r.expected()).isZero();
    assertThat(r.exactlyOnce()).isTrue();
    assertThatThrownBy(() -> l.addSubscription(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void concurrentReceiptsAreAllCounted() throws InterruptedException {
    int subs = 8;
    int writes = 2_000;
    Ledger l = new Ledger(1, writes, (long) writes * subs);
    int[] g = new int[subs];
    for (int i = 0; i < subs; i++) {
      g[i] = l.addSubscription(0);
    }
    l.freeze();
    for (int w = 0; w < writes; w++) {
      l.newWrite(0, w);
      l.acked(w, w + 1);
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < subs; i++) {
      int sub = g[i];
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int w = 0; w < writes; w++) {
          l.received(sub, w, w + 2);
          if (sub == 0 && w % 10 == 0) {
            l.received(sub, w, w + 3); // a duplicate now and then
          }
        }
      }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    Ledger.Accounting r = l.account(0, Long.MAX_VALUE);
    assertThat(r.expected()).isEqualTo((long) writes * subs);
    assertThat(r.delivered()).isEqualTo((long) writes * subs);
    assertThat(r.duplicated()).isEqualTo(writes / 10);
    assertThat(r.missing()).isZero();
  }
}
