package io.syntrix.gateway.realtime;

import io.syntrix.store.ChangeLog;
import io.syntrix.store.DocumentStore;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Runs the {@link CatchUp}s of every connection: per connection one at a time, in the order they
 * were asked for (a reconnecting client resubscribing 100 subscriptions catches them up one by one
 * within its own outbox budget), on a small dedicated worker pool so catch-up reads never take the
 * workers REST requests use.
 *
 * <p><b>Threads.</b> {@link #start} and {@link #finished} on event loops; the queues are guarded by
 * this object's monitor.
 */
final class CatchUps {
  private final DocumentStore store;
  private final WorkerExecutor executor;
  private final RealtimeOptions options;
  private final RealtimeMetrics metrics;
  private final CatchUpRate rate;
  /** Per connection: the catch-ups waiting behind the running one (the head). */
  private final Map<Connection, ArrayDeque<CatchUp>> queues = new IdentityHashMap<>();

  CatchUps(DocumentStore store, WorkerExecutor executor, RealtimeOptions options, RealtimeMetrics metrics) {
    this.store = store;
    this.executor = executor;
    this.options = options;
    this.metrics = metrics;
    this.rate = new CatchUpRate(options.catchUpBytesPerSecond());
  }

  CatchUpRate rate() {
    return rate;
  }

  DocumentStore store() {
    return store;
  }

  ChangeLog changeLog() {
    return store.changeLog();
  }

  WorkerExecutor executor() {
    return executor;
  }

  RealtimeOptions options() {
    return options;
  }

  /**
   * Catches {@code sub} up: from its snapshot (when {@code snapshot}; {@code reset} marks it as
   * replacing what the client had), then from the change log after its delivered position.
   * The subscription's gate must already be catching up ({@link Connection#catchUpFrom}).
   */
  void start(Connection connection, ClientSubscription sub, boolean snapshot, boolean reset) {
    CatchUp catchUp = new CatchUp(this, connection, sub, snapshot, reset);
    boolean first;
    synchronized (this) {
      ArrayDeque<CatchUp> queue = queues.computeIfAbsent(connection, c -> new ArrayDeque<>());
      queue.add(catchUp);
      first = queue.size() == 1;
    }
    if (first) {
      begin(catchUp);
    }
  }

  private void begin(CatchUp catchUp) {
    metrics.catchUpStarted(catchUp.snapshot(), catchUp.reset());
    catchUp.step();
  }

  /** The running catch-up of a connection ended; the next one starts. */
  void finished(CatchUp done) {
    metrics.catchUpEnded();
    CatchUp next;
    synchronized (this) {
      ArrayDeque<CatchUp> queue = queues.get(done.connection);
      if (queue == null) {
        return;
      }
      queue.poll();
      next = queue.peek();
      if (next == null) {
        queues.remove(done.connection);
      }
    }
    if (next != null) {
      begin(next);
    }
  }

  /** Catch-ups running or waiting (for tests: a closed connection leaves none behind). */
  synchronized int pending() {
    return queues.values().stream().mapToInt(ArrayDeque::size).sum();
  }
}
