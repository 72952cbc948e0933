package io.syntrix.gateway.realtime;

import io.syntrix.model.Document;
import io.syntrix.model.Query;
import io.syntrix.query.QueryCursor;
import io.syntrix.query.QueryEngine;
import io.syntrix.store.ChangeLogTruncatedException;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.streamer.SubscriptionReplay;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one subscription from where its client is to the live point, at that client's pace
 * (D12): a snapshot (asked for, or a reset) read from a pinned store {@link ReadSnapshot}, then
 * the change log after the last seq the client has, until the subscription's gate can open
 * ({@link Connection#tryFinishCatchUp}).
 *
 * <p><b>Pacing.</b> One page at a time — at most {@code catchUpPageBytes}, or
 * {@link #SNAPSHOT_PAGE} documents, or {@link #LOG_PAGE} changes — read on the catch-up workers,
 * queued into the connection's outbox, and the next page only once the outbox is down to
 * {@code catchUpLowWaterBytes}, and no sooner than the server-wide catch-up rate allows
 * ({@link CatchUpRate}). A catch-up never overflows its own connection and never touches
 * the hub's delivery thread, so it delays no one else's live events. A connection runs its
 * catch-ups one after the other ({@link CatchUps}).
 *
 * <p><b>Threads.</b> {@link #step} on the connection's event loop, {@link #advance} on a
 * catch-up worker; they alternate, never overlap, so the fields need no lock.
 */
final class CatchUp {
  private static final Logger log = LoggerFactory.getLogger(CatchUp.class);
  static final int SNAPSHOT_PAGE = 1_000;
  static final int LOG_PAGE = 100;
  static final long HAND_OVER_PAUSE_MILLIS = 5;

  private final CatchUps service;
  final Connection connection;
  final ClientSubscription sub;
  private final boolean snapshotFirst;
  private boolean reset;
  private boolean inSnapshot;
  private ReadSnapshot snapshot;
  private QueryCursor cursor;
  private boolean firstPage = true;
  private boolean started;
  private SubscriptionReplay replay;
  /** Bytes the last page queued (set on the worker, read on the event loop after it). */
  private long pageBytes;
  /** How long to wait before the next step though nothing was queued (the log has to catch up first). */
  private long pauseMillis;
  /**
   * The snapshot just sent, kept (closed) until the replay has read past what it could include:
   * on an engine whose visibility order is not its commit order, entries after its seq may
   * already be in it ({@link ReadSnapshot#includes}); they are skipped, and the gate waits for
   * {@link ReadSnapshot#settledThrough}.
   */
  private ReadSnapshot handOver;

  CatchUp(CatchUps service, Connection connection, ClientSubscription sub, boolean snapshot, boolean reset) {
    this.service = service;
    this.connection = connection;
    this.sub = sub;
    this.snapshotFirst = snapshot;
    this.inSnapshot = snapshot;
    this.reset = reset;
  }

  boolean snapshot() {
    return snapshotFirst;
  }

  boolean reset() {
    return reset;
  }

  /** Event loop: reads and queues the next page on a worker, then waits for the outbox to drain. */
  void step() {
    if (!started) {
      started = true;
      connection.holdLive(sub);
    }
    if (!connection.active(sub)) {
      finish();
      return;
    }
    service.executor().executeBlocking(this::advance, false).onComplete(r -> {
      if (r.failed()) {
        log.warn("catch-up of subscription {} failed", sub.streamerId, r.cause());
        finish();
        connection.fail("internal", "the subscription " + sub.clientId() + " could not catch up; reconnect");
      } else if (r.result()) {
        finish();
      } else {
        long wait = Math.max(pauseMillis, service.rate().waitMillisAfter(pageBytes, System.nanoTime()));
        if (wait > 0) {
          connection.context.owner().setTimer(wait, t -> awaitRoom());
        } else {
          awaitRoom();
        }
      }
    });
  }

  private void awaitRoom() {
    connection.outbox.whenBelow(service.options().catchUpLowWaterBytes(), this::step);
  }

  private void finish() {
    closeSnapshot();
    service.finished(this);
  }

  /** Worker: one page. True when the catch-up is over (done, or its subscription or connection gone). */
  private boolean advance() {
    pageBytes = 0;
    pauseMillis = 0;
    if (!connection.active(sub)) {
      return true;
    }
    if (inSnapshot) {
      snapshotPage();
      return false;
    }
    if (handedOver() && connection.tryFinishCatchUp(sub)) {
      return true;
    }
    if (replay == null) {
      replay = new SubscriptionReplay(service.changeLog(), sub.database, sub.collection(), sub.spec.query().filters());
    }
    long from = connection.deliveredThrough(sub);
    SubscriptionReplay.Page page;
    try {
      page = replay.next(from, LOG_PAGE);
    } catch (ChangeLogTruncatedException e) {
      // Retention overtook the client: what it has is no longer enough, start it over.
      inSnapshot = true;
      reset = true;
      firstPage = true;
      return false;
    }
    long covered = page.readThrough();
    long bytes = 0;
    for (SubscriptionReplay.Match m : page.matches()) {
      if (handOver != null && handOver.includes(m.event().seq())) {
        continue; // the snapshot already showed it
      }
      OutFrame frame = Frames.event(sub.clientId(), m.event().seq(),
          Frames.delta(m.event(), m.op(), sub.spec.includeData()));
      if (!connection.sendCatchUp(sub, frame, m.event().seq())) {
        return true;
      }
      bytes += frame.size();
      pageBytes = bytes;
      if (bytes >= service.options().pageBytes()) {
        covered = m.event().seq(); // examined up to here; the next page goes on after it
        break;
      }
    }
    if (covered == from) {
      if (!handedOver()) {
        pauseMillis = HAND_OVER_PAUSE_MILLIS; // changes the snapshot may show are still being sequenced
        return false;
      }
      if (connection.tryFinishCatchUp(sub)) {
        return true; // the hand-over completed while this page was read (PostgreSQL: the mark was sequenced)
      }
      // Nothing newer in the log than where the client is, yet the gate cannot open: cannot happen
      // (the live point is in the log); try again later rather than spin.
      log.warn("catch-up of {} found no change after {}", sub.streamerId, from);
      return false;
    }
    if (!connection.sendCatchUp(sub, null, covered)) {
      return true;
    }
    return handedOver() && connection.tryFinishCatchUp(sub);
  }

  /** True once no entry the client has not read can be one its snapshot already showed. */
  private boolean handedOver() {
    if (handOver == null) {
      return true;
    }
    long settled = handOver.settledThrough();
    if (settled >= 0 && connection.deliveredThrough(sub) >= settled) {
      handOver = null;
      return true;
    }
    return false;
  }

  /** Worker: the next snapshot page, sized in bytes; the last one moves the gate to the snapshot's seq. */
  private void snapshotPage() {
    if (snapshot == null) {
      snapshot = service.store().snapshot();
      Query q = new Query(sub.spec.query().collection(), sub.spec.query().filters(), List.of(), 0, null, false);
      cursor = new QueryEngine(snapshot).execute(sub.database, q);
    }
    List<byte[]> page = new ArrayList<>();
    long bytes = 0;
    while (cursor.hasNext() && page.size() < SNAPSHOT_PAGE && bytes < service.options().pageBytes()) {
      Document d = cursor.next();
      byte[] encoded = Frames.document(d);
      page.add(encoded);
      bytes += encoded.length;
    }
    boolean complete = !cursor.hasNext();
    long seq = snapshot.seq();
    byte[] frame = Frames.snapshot(sub.clientId(), page, seq, reset && firstPage, complete);
    pageBytes = frame.length;
    firstPage = false;
    if (complete) {
      handOver = snapshot;
      closeSnapshot();
      inSnapshot = false;
    }
    connection.sendCatchUp(sub, OutFrame.control(frame), complete ? seq : -1);
  }

  private void closeSnapshot() {
    try {
      if (cursor != null) {
        cursor.close();
      }
      if (snapshot != null) {
        snapshot.close();
      }
    } catch (RuntimeException e) {
      log.debug("closing the snapshot of {} failed", sub.streamerId, e);
    } finally {
      cursor = null;
      snapshot = null;
    }
  }
}
