package io.syntrix.gateway.realtime;

import io.syntrix.identity.LogicalDatabase;
import io.syntrix.identity.Principal;
import io.syntrix.identity.RuleAccess;
import io.syntrix.identity.RulesService;
import io.syntrix.model.Document;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Query;
import io.syntrix.model.SyntrixException;
import io.syntrix.query.QueryCursor;
import io.syntrix.query.QueryEngine;
import io.syntrix.rules.Decision;
import io.syntrix.rules.RuleRequest;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.ReadSnapshot;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.SubscribeResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opening a subscription, the same for WebSocket and SSE (D8):
 * <ol>
 *   <li>the rules must allow {@code list} on the collection, with the subscription's filters as
 *       {@code request.query} (the database's owner and admins pass);
 *   <li>the subscription is registered with the hub, closed ("not ready") in its session;
 *   <li>the ack is queued ({@code subscribe_ack} means live: every change after it arrives);
 *   <li>if a snapshot is due — asked for, or a resume past retention ({@code reset: true}) — it is
 *       read from a store snapshot taken after registration, at seq L; events up to L are then
 *       dropped (the snapshot shows them) and later ones follow: no gap, no duplicate;
 *   <li>the gate opens and held events flow.
 * </ol>
 * Blocking steps (rules, registration, snapshot reads) run on Vert.x workers.
 */
final class Subscriptions {
  static final int SNAPSHOT_PAGE = 1_000;
  private static final AtomicLong GENERATIONS = new AtomicLong();

  private final Hub hub;
  private final DocumentStore store;
  private final RulesService rules;

  Subscriptions(Hub hub, DocumentStore store, RulesService rules) {
    this.hub = hub;
    this.store = store;
    this.rules = rules;
  }

  /** What a client asked for. {@code resumeAfter} is {@link SubscribeRequest#LIVE} when not resuming. */
  record Spec(String clientId, Query query, boolean includeData, boolean sendSnapshot, long resumeAfter) {
    boolean resumes() {
      return resumeAfter != SubscribeRequest.LIVE;
    }
  }

  /**
   * Opens {@code spec} in {@code session}; {@code ack} (may be null) is queued once the
   * subscription is live. Completes with the session's gate record, or fails with a
   * SyntrixException (403 when the rules refuse).
   */
  Future<Session.Sub> open(Vertx vertx, Session session, Principal principal, LogicalDatabase db, Spec spec, byte[] ack) {
    return open(vertx, session, principal, db, spec, ack, false);
  }

  /** As above; {@code rulesChecked} when the caller has just run {@link #authorize} (SSE). */
  Future<Session.Sub> open(Vertx vertx, Session session, Principal principal, LogicalDatabase db, Spec spec, byte[] ack,
                           boolean rulesChecked) {
    String streamerId = session.id() + "/" + spec.clientId() + "#" + GENERATIONS.incrementAndGet();
    Session.Sub sub = new Session.Sub(streamerId, db.id(), spec);
    return vertx.executeBlocking(() -> {
      if (!rulesChecked) {
        authorize(principal, db, spec.query());
      }
      session.subs.put(streamerId, sub);
      SubscribeRequest request = new SubscribeRequest(streamerId, db.id(), spec.query().collection().value(),
          spec.query().filters(), spec.resumeAfter());
      try {
        return hub.subscribe(session, spec.clientId(), request, spec.includeData());
      } catch (RuntimeException e) {
        session.subs.remove(streamerId);
        throw e;
      }
    }, false).compose(result -> {
      if (ack != null) {
        session.send(ack);
      }
      boolean reset = result.resume() == SubscribeResult.Resume.RESET;
      if (!reset && !(spec.sendSnapshot() && !spec.resumes())) {
        session.release(sub, -1);
        return Future.succeededFuture(sub);
      }
      return vertx.executeBlocking(() -> sendSnapshot(session, db.id(), spec, reset), false).map(seq -> {
        session.release(sub, seq);
        return sub;
      });
    });
  }

  /**
   * The streamer could not finish replaying a resumed subscription (retention purged what it
   * needed): hold its events, send a reset snapshot, and continue after the snapshot's seq.
   */
  void resetSnapshot(Vertx vertx, Session session, String streamerId) {
    Session.Sub sub = session.subs.get(streamerId);
    if (sub == null) {
      return;
    }
    session.hold(sub);
    vertx.executeBlocking(() -> sendSnapshot(session, sub.database, sub.spec, true), false)
        .onSuccess(seq -> session.release(sub, seq))
        .onFailure(e -> session.fail("internal", "the reset snapshot could not be read; reconnect"));
  }

  void close(Session session, Session.Sub sub) {
    session.subs.remove(sub.streamerId);
    hub.unsubscribe(sub.streamerId);
  }

  void closeAll(Session session) {
    for (Session.Sub sub : List.copyOf(session.subs.values())) {
      close(session, sub);
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

  /** Reads the matching live documents at one store snapshot and queues them; returns the snapshot's seq. */
  private long sendSnapshot(Session session, String database, Spec spec, boolean reset) {
    Query q = new Query(spec.query().collection(), spec.query().filters(), List.of(), 0, null, false);
    try (ReadSnapshot snapshot = store.snapshot(); QueryCursor cursor = new QueryEngine(snapshot).execute(database, q)) {
      List<Document> page = new ArrayList<>(SNAPSHOT_PAGE);
      boolean sent = false;
      while (cursor.hasNext()) {
        page.add(cursor.next());
        if (page.size() == SNAPSHOT_PAGE && cursor.hasNext()) {
          session.send(Frames.snapshot(spec.clientId(), page, snapshot.seq(), reset && !sent, false));
          page.clear();
          sent = true;
        }
      }
      session.send(Frames.snapshot(spec.clientId(), page, snapshot.seq(), reset && !sent, true));
      return snapshot.seq();
    }
  }
}
