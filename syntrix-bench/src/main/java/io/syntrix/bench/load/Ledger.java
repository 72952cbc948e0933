package io.syntrix.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;

/**
 * The exactly-once bookkeeping of a load run: which subscription listens to which room, which
 * writes were sent, acknowledged or failed, and which subscription received which write how often.
 *
 * <p><b>Layout.</b> Subscriptions are registered first ({@link #addSubscription}), then the set is
 * frozen. Each write then gets an index and, at that moment, one <i>slot</i> per subscription of
 * its room: the expected deliveries of the write are slots {@code slotStart[w] ..
 * slotStart[w] + subscribers(room) - 1}, in the order of {@link #subscribersOf}. A receipt of write
 * {@code w} by subscription {@code g} whose room matches increments the slot of {@code g} and, the
 * first time, stores the receipt time there. Memory is one int and one long per expected delivery;
 * nothing is sorted or boxed, and receipts are recorded from any thread.
 *
 * <p><b>Accounting</b> ({@link #account}) runs once every write is resolved and the grace period
 * is over: for every acknowledged write, every slot must hold exactly one receipt. Receipts for a
 * room the subscription does not listen to, for ids that are not writes of this run, or for writes
 * that were never acknowledged are <i>unexpected</i>.
 *
 * <p><b>Phases.</b> A run may be cut into consecutive phases ({@link #phases}), e.g. healthy
 * clients alone, then beside hostile ones. {@link #account} then gives the same figures per phase:
 * a write belongs to the phase its send (due) time falls in, and so do its missing, duplicated and
 * stray deliveries; a receipt that names no write of this run belongs to the phase it arrived in.
 *
 * <p><b>Writes</b> are created by one thread at a time ({@link #newWrite} is synchronized); acks,
 * failures and receipts may come from any thread.
 */
final class Ledger {
  static final byte PENDING = 0;
  static final byte ACKED = 1;
  static final byte FAILED = 2;

  private static final int CHUNK_BITS = 20;
  private static final int CHUNK = 1 << CHUNK_BITS;
  /** Histograms count microseconds, up to one hour, 3 significant digits. */
  static final long MAX_MICROS = 3_600_000_000L;

  private final int rooms;
  private final int maxWrites;
  private final long maxSlots;

  // Subscriptions (written before freeze, read-only afterwards).
  private final List<Integer> subRoomList = new ArrayList<>();
  private int[] subRoom;
  private int[] subPosInRoom;
  private int[][] subscribersOf;
  private boolean frozen;

  // Writes.
  private final AtomicIntegerArray writeRoom;
  private final AtomicLongArray sendNanos;
  private final AtomicLongArray ackNanos;
  private final AtomicIntegerArray state;
  private final AtomicLongArray slotStart;
  private volatile int writes;
  private long nextSlot;

  // Slots, allocated a chunk at a time.
  private final AtomicReferenceArray<AtomicIntegerArray> counts;
  private final AtomicReferenceArray<AtomicLongArray> firstReceipt;

  // Live counters (for waiting; the final figures come from account()).
  private final AtomicLong expectedOfAcked = new AtomicLong();
  private final AtomicLong firstReceipts = new AtomicLong();
  private final AtomicLong receipts = new AtomicLong();
  private final AtomicLong wrongRoom = new AtomicLong();
  private final AtomicLong unknownWrite = new AtomicLong();
  private final AtomicLong unknownSubscription = new AtomicLong();

  /** Phase boundaries (nanoTime, ascending): phase i is {@code [bounds[i], bounds[i + 1])}. */
  private volatile long[] phaseBounds = new long[0];
  /** Per phase: wrong-room, unknown-write and unknown-subscription receipts. */
  private volatile AtomicLongArray strayByPhase = new AtomicLongArray(0);

  Ledger(int rooms, int maxWrites, long maxSlots) {
    if (rooms < 1 || maxWrites < 1 || maxSlots < 1) {
      throw new IllegalArgumentException("rooms, maxWrites and maxSlots must be positive");
    }
    this.rooms = rooms;
    this.maxWrites = maxWrites;
    this.maxSlots = maxSlots;
    writeRoom = new AtomicIntegerArray(maxWrites);
    sendNanos = new AtomicLongArray(maxWrites);
    ackNanos = new AtomicLongArray(maxWrites);
    state = new AtomicIntegerArray(maxWrites);
    slotStart = new AtomicLongArray(maxWrites);
    int chunks = (int) ((maxSlots + CHUNK - 1) >>> CHUNK_BITS);
    counts = new AtomicReferenceArray<>(chunks);
    firstReceipt = new AtomicReferenceArray<>(chunks);
  }

  /** Registers a subscription listening to {@code room}; returns its global index. Before {@link #freeze}. */
  synchronized int addSubscription(int room) {
    if (frozen) {
      throw new IllegalStateException("subscriptions are frozen");
    }
    checkRoom(room);
    subRoomList.add(room);
    return subRoomList.size() - 1;
  }

  /** Ends registration; writes may be created from now on. */
  synchronized void freeze() {
    if (frozen) {
      return;
    }
    int n = subRoomList.size();
    subRoom = new int[n];
    subPosInRoom = new int[n];
    int[] perRoom = new int[rooms];
    for (int g = 0; g < n; g++) {
      subRoom[g] = subRoomList.get(g);
      subPosInRoom[g] = perRoom[subRoom[g]]++;
    }
    subscribersOf = new int[rooms][];
    for (int r = 0; r < rooms; r++) {
      subscribersOf[r] = new int[perRoom[r]];
    }
    for (int g = 0; g < n; g++) {
      subscribersOf[subRoom[g]][subPosInRoom[g]] = g;
    }
    frozen = true;
  }

  /**
   * Cuts the run into phases {@code [bounds[i], bounds[i + 1])}; call before the first receipt.
   * Without it there are no phases and {@link Accounting#phases()} is empty.
   */
  void phases(long... bounds) {
    for (int i = 1; i < bounds.length; i++) {
      if (bounds[i] < bounds[i - 1]) {
        throw new IllegalArgumentException("phase bounds must ascend");
      }
    }
    strayByPhase = new AtomicLongArray(Math.max(0, bounds.length - 1));
    phaseBounds = bounds.clone();
  }

  /** The phase {@code at} falls in, or -1. */
  int phaseOf(long at) {
    long[] b = phaseBounds;
    for (int i = 0; i + 1 < b.length; i++) {
      if (at >= b[i] && at < b[i + 1]) {
        return i;
      }
    }
    return -1;
  }

  int subscriptions() {
    return subRoom.length;
  }

  int subscribersOf(int room) {
    return subscribersOf[room].length;
  }

  int writes() {
    return writes;
  }

  /**
   * A new write to {@code room}, sent (or due) at {@code sendNanos}; returns its index, or -1
   * when the ledger is full (the caller reports it, it is never silent).
   */
  synchronized int newWrite(int room, long sendAt) {
    if (!frozen) {
      throw new IllegalStateException("freeze() the subscriptions first");
    }
    checkRoom(room);
    int w = writes;
    int slots = subscribersOf[room].length;
    if (w >= maxWrites || nextSlot + slots > maxSlots) {
      return -1;
    }
    for (long c = nextSlot >>> CHUNK_BITS; c <= (nextSlot + slots - 1) >>> CHUNK_BITS && slots > 0; c++) {
      if (counts.get((int) c) == null) {
        counts.set((int) c, new AtomicIntegerArray(CHUNK));
        firstReceipt.set((int) c, new AtomicLongArray(CHUNK));
      }
    }
    writeRoom.set(w, room);
    sendNanos.set(w, sendAt);
    slotStart.set(w, nextSlot);
    nextSlot += slots;
    writes = w + 1; // volatile: publishes the write to receivers
    return w;
  }

  void acked(int w, long at) {
    if (state.compareAndSet(w, PENDING, ACKED)) {
      ackNanos.set(w, at);
      expectedOfAcked.addAndGet(subscribersOf[writeRoom.get(w)].length);
    }
  }

  void failed(int w) {
    state.compareAndSet(w, PENDING, FAILED);
  }

  byte state(int w) {
    return (byte) state.get(w);
  }

  /** Subscription {@code g} received write {@code w} at {@code at}. Any thread. */
  void received(int g, int w, long at) {
    receipts.incrementAndGet();
    if (g < 0 || g >= subRoom.length) {
      unknownSubscription.incrementAndGet();
      stray(phaseOf(at));
      return;
    }
    if (w < 0 || w >= writes) {
      unknownWrite.incrementAndGet();
      stray(phaseOf(at));
      return;
    }
    if (writeRoom.get(w) != subRoom[g]) {
      wrongRoom.incrementAndGet();
      stray(phaseOf(sendNanos.get(w)));
      return;
    }
    long slot = slotStart.get(w) + subPosInRoom[g];
    int chunk = (int) (slot >>> CHUNK_BITS);
    int offset = (int) (slot & (CHUNK - 1));
    if (counts.get(chunk).getAndIncrement(offset) == 0) {
      firstReceipt.get(chunk).set(offset, at);
      firstReceipts.incrementAndGet();
    }
  }

  /** A receipt, arrived at {@code at}, that could not be tied to a write of this run (foreign or unparsable id). */
  void receivedUnknown(long at) {
    receipts.incrementAndGet();
    unknownWrite.incrementAndGet();
    stray(phaseOf(at));
  }

  private void stray(int phase) {
    AtomicLongArray byPhase = strayByPhase;
    if (phase >= 0 && phase < byPhase.length()) {
      byPhase.incrementAndGet(phase);
    }
  }

  /** Expected deliveries of acknowledged writes not yet seen (approximate while writes are pending). */
  long outstanding() {
    return expectedOfAcked.get() - firstReceipts.get();
  }

  long receipts() {
    return receipts.get();
  }

  private void checkRoom(int room) {
    if (room < 0 || room >= rooms) {
      throw new IllegalArgumentException("room " + room + " not in [0, " + rooms + ")");
    }
  }

  /** The final figures. Latencies are recorded for writes sent in {@code [windowStart, windowEnd)}. */
  record Accounting(long writes, long acked, long failed, long pending,
                    long expected, long received, long delivered, long missing, long duplicated,
                    long unexpected, long unexpectedWrongRoom, long unexpectedUnknownWrite,
                    long unexpectedUnknownSubscription, long unexpectedUnackedWrite,
                    long writesMissingSomewhere,
                    Histogram ackToReceipt, long negativeAckToReceipt, long mostNegativeAckToReceiptMicros,
                    Histogram sendToReceipt, Histogram sendToAck, List<Phase> phases) {
    boolean exactlyOnce() {
      return missing == 0 && duplicated == 0 && unexpected == 0;
    }
  }

  /**
   * The figures of one phase: its writes (by send time), their deliveries and latencies, and the
   * stray receipts that belong to it (see the class comment).
   */
  record Phase(long writes, long acked, long failed, long pending, long expected, long delivered, long missing,
               long duplicated, long unexpected, long writesMissingSomewhere,
               Histogram ackToReceipt, long negativeAckToReceipt, long mostNegativeAckToReceiptMicros,
               Histogram sendToReceipt, Histogram sendToAck) {
    boolean exactlyOnce() {
      return missing == 0 && duplicated == 0 && unexpected == 0;
    }
  }

  /**
   * Counts everything. Call after writes are resolved and receipts have stopped; receipts that
   * arrive while this runs may or may not be counted.
   */
  Accounting account(long windowStart, long windowEnd) {
    Tally all = new Tally();
    long[] bounds = phaseBounds;
    Tally[] phases = new Tally[Math.max(0, bounds.length - 1)];
    for (int i = 0; i < phases.length; i++) {
      phases[i] = new Tally();
    }
    long n = writes;
    for (int w = 0; w < n; w++) {
      long send = sendNanos.get(w);
      int phase = phaseOf(send);
      Tally p = phase >= 0 ? phases[phase] : null;
      boolean inWindow = send >= windowStart && send < windowEnd;
      byte st = (byte) state.get(w);
      long ack = ackNanos.get(w);
      all.write(st, send, ack, inWindow);
      if (p != null) {
        p.write(st, send, ack, true);
      }
      int room = writeRoom.get(w);
      int slots = subscribersOf[room].length;
      long start = slotStart.get(w);
      boolean anyMissing = false;
      for (int i = 0; i < slots; i++) {
        long slot = start + i;
        int chunk = (int) (slot >>> CHUNK_BITS);
        int offset = (int) (slot & (CHUNK - 1));
        int count = counts.get(chunk).get(offset);
        long at = count > 0 ? firstReceipt.get(chunk).get(offset) : 0;
        anyMissing |= all.slot(st, count, send, ack, at, inWindow);
        if (p != null) {
          p.slot(st, count, send, ack, at, true);
        }
      }
      if (anyMissing) {
        all.writesMissing++;
        if (p != null) {
          p.writesMissing++;
        }
      }
    }
    long stray = wrongRoom.get() + unknownWrite.get() + unknownSubscription.get();
    List<Phase> byPhase = new ArrayList<>();
    AtomicLongArray strayPhases = strayByPhase;
    for (int i = 0; i < phases.length; i++) {
      byPhase.add(phases[i].phase(i < strayPhases.length() ? strayPhases.get(i) : 0));
    }
    return new Accounting(n, all.acked, all.failed, all.pending, all.expected, receipts.get(), all.delivered,
        all.missing, all.duplicated, stray + all.unackedReceipts, wrongRoom.get(), unknownWrite.get(),
        unknownSubscription.get(), all.unackedReceipts, all.writesMissing, all.ackToReceipt, all.negative,
        all.mostNegative, all.sendToReceipt, all.sendToAck, List.copyOf(byPhase));
  }

  /** Running sums of {@link #account}, for the whole run or one phase. */
  private static final class Tally {
    final Histogram ackToReceipt = new Histogram(MAX_MICROS, 3);
    final Histogram sendToReceipt = new Histogram(MAX_MICROS, 3);
    final Histogram sendToAck = new Histogram(MAX_MICROS, 3);
    long writes, acked, failed, pending;
    long expected, delivered, missing, duplicated, unackedReceipts, writesMissing;
    long negative, mostNegative;

    void write(byte st, long send, long ack, boolean timed) {
      writes++;
      if (st == ACKED) {
        acked++;
        if (timed) {
          sendToAck.recordValue(clamp((ack - send) / 1000));
        }
      } else if (st == FAILED) {
        failed++;
      } else {
        pending++;
      }
    }

    /** One expected delivery that got {@code count} receipts, the first at {@code at}; true when missing. */
    boolean slot(byte st, int count, long send, long ack, long at, boolean timed) {
      if (st != ACKED) {
        unackedReceipts += count;
        return false;
      }
      expected++;
      if (count == 0) {
        missing++;
        return true;
      }
      delivered++;
      duplicated += count - 1;
      if (timed) {
        long fromAck = (at - ack) / 1000;
        if (fromAck < 0) {
          negative++;
          mostNegative = Math.min(mostNegative, fromAck);
        }
        ackToReceipt.recordValue(clamp(fromAck));
        sendToReceipt.recordValue(clamp((at - send) / 1000));
      }
      return false;
    }

    Phase phase(long stray) {
      return new Phase(writes, acked, failed, pending, expected, delivered, missing, duplicated,
          unackedReceipts + stray, writesMissing, ackToReceipt, negative, mostNegative, sendToReceipt, sendToAck);
    }
  }

  /** Negative latencies (the event beat the HTTP response) are recorded as 0 and counted apart. */
  private static long clamp(long micros) {
    return Math.max(0, Math.min(MAX_MICROS, micros));
  }
}
