package io.syntrix.gateway.realtime;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection's send queue, bounded in bytes and frames, drained into the transport on the
 * connection's event loop (D12).
 *
 * <p><b>Accounting.</b> A connection's <em>pending bytes</em> are the frames queued here plus the
 * frames handed to the transport whose write has not completed (Netty completes a write once the
 * bytes are in the kernel's socket buffer). Only {@code transportWindow} bytes are handed to the
 * transport at a time, so Vert.x and Netty never hold more than that for one connection; the rest
 * waits here, where it is counted. An offer that would take pending bytes past
 * {@code maxPendingBytes} (or frames past {@code maxPendingFrames}) is refused: the connection is
 * a slow consumer and must be cut off. A stalled client therefore pins at most
 * {@code maxPendingBytes} of heap, plus its kernel buffers.
 *
 * <p><b>Threads.</b> {@link #offer} from any thread (the hub's delivery thread, catch-up workers,
 * the event loop) under this object's monitor; {@link #drain} and every callback on the
 * connection's event loop ({@code context}).
 */
final class Outbox {
  /** Where frames go: write one, completing when it left the process; close. Event loop only. */
  interface Transport {
    Future<Void> write(OutFrame frame);
  }

  private final Context context;
  private final Transport transport;
  private final long maxPendingBytes;
  private final int maxPendingFrames;
  private final long transportWindow;

  // Guarded by this.
  private final ArrayDeque<OutFrame> queue = new ArrayDeque<>();
  private long queuedBytes;
  private long inflightBytes;
  private boolean closed;
  private boolean drainScheduled;
  private long lastProgressNanos = System.nanoTime();
  // Event loop only.
  private boolean draining;
  private boolean redrain;
  /** Run on the event loop once pending bytes fall to {@code lowWater} (catch-up pacing). */
  private final List<Waiter> waiters = new ArrayList<>(1);

  private record Waiter(long lowWater, Runnable action) {}

  Outbox(Context context, Transport transport, long maxPendingBytes, int maxPendingFrames, long transportWindow) {
    this.context = context;
    this.transport = transport;
    this.maxPendingBytes = maxPendingBytes;
    this.maxPendingFrames = maxPendingFrames;
    this.transportWindow = transportWindow;
  }

  long maxPendingBytes() {
    return maxPendingBytes;
  }

  /** Queues a frame; false (nothing queued) when it would pass the budget or the outbox is closed. */
  synchronized boolean offer(OutFrame frame) {
    if (closed) {
      return false;
    }
    int size = frame.size();
    if (queuedBytes + inflightBytes + size > maxPendingBytes || queue.size() >= maxPendingFrames) {
      return false;
    }
    if (queue.isEmpty() && inflightBytes == 0) {
      lastProgressNanos = System.nanoTime(); // an idle connection's stall clock starts now
    }
    queue.add(frame);
    queuedBytes += size;
    scheduleDrain();
    return true;
  }

  synchronized long pendingBytes() {
    return queuedBytes + inflightBytes;
  }

  /** Nanos since the transport last completed a write while something was pending; 0 when nothing is. */
  synchronized long stalledNanos(long now) {
    return queuedBytes + inflightBytes == 0 ? 0 : now - lastProgressNanos;
  }

  /**
   * Runs {@code action} on the event loop once pending bytes are at most {@code lowWater} (at once,
   * via the event loop, if they already are, or once the outbox is closed).
   */
  void whenBelow(long lowWater, Runnable action) {
    boolean now;
    synchronized (this) {
      now = closed || queuedBytes + inflightBytes <= lowWater;
      if (!now) {
        waiters.add(new Waiter(lowWater, action));
      }
    }
    if (now) {
      context.runOnContext(v -> action.run());
    }
  }

  /**
   * Discards everything queued; later offers are refused. Waiters run now (on the event loop), so a
   * catch-up waiting for room notices the close and lets go of what it holds. Returns what was pending.
   */
  long close() {
    List<Waiter> released;
    long pending;
    synchronized (this) {
      if (closed) {
        return 0;
      }
      closed = true;
      pending = queuedBytes + inflightBytes;
      queue.clear();
      queuedBytes = 0;
      released = List.copyOf(waiters);
      waiters.clear();
    }
    for (Waiter w : released) {
      context.runOnContext(v -> w.action().run());
    }
    return pending;
  }

  private void scheduleDrain() {
    if (!drainScheduled) {
      drainScheduled = true;
      context.runOnContext(v -> drain());
    }
  }

  /**
   * Event loop only: hands frames to the transport while its window has room. Not re-entered: a
   * write that completes at once (a closed transport fails immediately) only asks for another pass.
   */
  void drain() {
    if (draining) {
      redrain = true;
      return;
    }
    draining = true;
    List<Runnable> ready = null;
    try {
      do {
        redrain = false;
        while (true) {
          OutFrame frame;
          synchronized (this) {
            drainScheduled = false;
            if (closed || queue.isEmpty() || inflightBytes >= transportWindow) {
              ready = readyWaiters(ready);
              break;
            }
            frame = queue.poll();
            queuedBytes -= frame.size();
            inflightBytes += frame.size();
          }
          int size = frame.size();
          transport.write(frame).onComplete(r -> written(size));
        }
      } while (redrain);
    } finally {
      draining = false;
    }
    if (ready != null) {
      ready.forEach(Runnable::run);
    }
  }

  private void written(int size) {
    synchronized (this) {
      inflightBytes -= size;
      lastProgressNanos = System.nanoTime();
    }
    drain();
  }

  /** Removes and returns the waiters whose low-water mark is reached. Under the monitor. */
  private List<Runnable> readyWaiters(List<Runnable> into) {
    if (waiters.isEmpty()) {
      return into;
    }
    long pending = queuedBytes + inflightBytes;
    for (int i = waiters.size() - 1; i >= 0; i--) {
      if (pending <= waiters.get(i).lowWater()) {
        if (into == null) {
          into = new ArrayList<>(1);
        }
        into.add(waiters.remove(i).action());
      }
    }
    return into;
  }
}
