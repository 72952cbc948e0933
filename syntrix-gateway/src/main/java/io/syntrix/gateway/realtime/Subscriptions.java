package io.syntrix.gateway.realtime;

import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.identity.RuleAccess;
import io.syntrix.identity.RulesService;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Query;
import io.syntrix.model.SyntrixException;
import io.syntrix.rules.Decision;
import io.syntrix.rules.RuleRequest;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.DocumentStore;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.SubscribeResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opening and closing a subscription, the same for WebSocket and SSE (D8):
 * <ol>
 *   <li>the rules must allow {@code list} on the collection, with the subscription's filters as
 *       {@code request.query} (the database's owner and admins pass);
 *   <li>the subscription is registered live with the hub at the streamer's live point S, its gate
 *       holding events;
 *   <li>the ack is queued ({@code subscribe_ack} means live: every change after it arrives);
 *   <li>the gate opens at S at once, or after a {@link CatchUp}: a snapshot (asked for, or a reset),
 *       or a replay of the change log after the client's {@code resumeAfter}. A resume past
 *       retention, beyond the last seq, or more than {@code maxResumeChanges} back is answered with
 *       a reset snapshot instead: no gap, no duplicate, and no unbounded replay.
 * </ol>
 * The rules check and the registration run on Vert.x workers; everything else on the connection's
 * event loop.
 */
final class Subscriptions {
  private static final AtomicLong GENERATIONS = new AtomicLong();

  private final Hub hub;
  private final DocumentStore store;
  private final RulesService rules;
  private final CatchUps catchUps;
  private final RealtimeOptions options;

  /** How a new subscription reaches the live point. */
  private enum Start { LIVE, SNAPSHOT, REPLAY, RESET }

  private record Opened(long livePoint, Start start) {}

  Subscriptions(Hub hub, DocumentStore store, RulesService rules, CatchUps catchUps, RealtimeOptions options) {
    this.hub = hub;
    this.store = store;
    this.rules = rules;
    this.catchUps = catchUps;
    this.options = options;
  }

  /**
   * Opens {@code spec} on {@code connection}; {@code ack} (may be null) is queued once the
   * subscription is live. Event loop. Completes with the subscription, or fails with a
   * SyntrixException (403 when the rules refuse).
   */
  Future<ClientSubscription> open(Vertx vertx, Connection connection, Principal principal, LogicalDatabase db,
                                  ClientSubscription.Spec spec, byte[] ack, boolean rulesChecked) {
    String streamerId = connection.id() + "/" + spec.clientId() + "#" + GENERATIONS.incrementAndGet();
    ClientSubscription sub = new ClientSubscription(streamerId, db.id(), spec);
    if (!connection.add(sub)) {
      return Future.failedFuture(new SyntrixException(ErrorCode.UNAVAILABLE, "the connection is closed"));
    }
    return vertx.executeBlocking(() -> {
      if (!rulesChecked) {
        authorize(principal, db, spec.query());
      }
      SubscribeRequest request = SubscribeRequest.live(streamerId, db.id(), spec.query().collection().value(),
          spec.query().filters());
      SubscribeResult result = hub.subscribe(connection, sub, request);
      return new Opened(result.liveAfterSeq(), start(spec, result.liveAfterSeq()));
    }, false).transform(r -> {
      if (r.failed()) {
        close(connection, sub);
        return Future.failedFuture(r.cause());
      }
      Opened opened = r.result();
      if (!connection.registered(sub, opened.livePoint())) {
        hub.unsubscribe(streamerId); // the connection closed (or replaced it) while it was being registered
        return Future.failedFuture(new SyntrixException(ErrorCode.UNAVAILABLE, "the subscription was closed"));
      }
      if (ack != null) {
        connection.send(ack);
      }
      switch (opened.start()) {
        case LIVE -> {
          connection.catchUpFrom(sub, opened.livePoint());
          connection.tryFinishCatchUp(sub);
        }
        case SNAPSHOT -> catchUps.start(connection, sub, true, false);
        case RESET -> catchUps.start(connection, sub, true, true);
        case REPLAY -> {
          connection.catchUpFrom(sub, spec.resumeAfter());
          catchUps.start(connection, sub, false, false);
        }
      }
      return Future.succeededFuture(sub);
    });
  }

  /** What a subscription needs before it is live; worker (reads the change log's bounds). */
  private Start start(ClientSubscription.Spec spec, long livePoint) {
    if (!spec.resumes()) {
      return spec.sendSnapshot() ? Start.SNAPSHOT : Start.LIVE;
    }
    long after = spec.resumeAfter();
    ChangeLog log = store.changeLog();
    if (after > log.lastSeq()) {
      return Start.RESET; // a seq this store never had (another server, a restored backup): start over
    }
    if (after + 1 < log.firstSeq() || livePoint - after > options.maxResumeChanges()) {
      return Start.RESET; // purged, or cheaper to send the result than to replay the history
    }
    return Start.REPLAY;
  }

  /** Closes one subscription; event loop or any thread, never blocks. */
  void close(Connection connection, ClientSubscription sub) {
    connection.cancel(sub);
    hub.unsubscribe(sub.streamerId); // also when not yet registered: a no-op then, and registration re-checks
  }

  /** Closes every subscription of a connection that is going away. */
  void closeAll(Connection connection) {
    for (ClientSubscription sub : connection.cancelAll()) {
      hub.unsubscribe(sub.streamerId);
    }
  }

  /** The rules check alone, for endpoints that must answer a refusal before streaming (SSE). */
  Future<Void> authorize(Vertx vertx, Principal principal, LogicalDatabase db, Query query) {
    return vertx.executeBlocking(() -> {
      authorize(principal, db, query);
      return null;
    }, false);
  }

  private void authorize(Principal principal, LogicalDatabase db, Query query) {
    if (RuleAccess.bypassesRules(db, principal)) {
      return;
    }
    Decision d = rules.check(RuleRequest.list(db.id(), query, RuleAccess.auth(principal), Instant.now(), store::get));
    if (!d.allowed()) {
      throw new SyntrixException(ErrorCode.FORBIDDEN, "permission denied: the rules do not allow listing "
          + query.collection());
    }
  }
}
