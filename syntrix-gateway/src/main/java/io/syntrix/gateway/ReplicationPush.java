package io.syntrix.gateway;

import io.syntrix.model.ChangeEvent;
import io.syntrix.rules.Action;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Filter;
import io.syntrix.model.FilterOp;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.model.SystemFields;
import io.syntrix.store.DatabaseQuota;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.Write;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Applies the changes of one replication push, in order, on the one worker task that calls
 * {@link #apply}, with optimistic concurrency on {@code version}.
 *
 * <p><b>Batches.</b> Changes go to the store {@link #BATCH} at a time: the worker reads the
 * stored copies of a batch, queues its writes together (the store's committer takes them as one
 * group, one WAL write), then waits for all of them before the next batch. So a push of many
 * changes costs a few commits rather than one per change, and never has more than a batch in the
 * committer's queue. A batch ends early at a document it already holds: the second change must
 * be judged against what the first one wrote.
 *
 * <p><b>Conflicts.</b> A change based on another version than the stored one is not applied; the
 * server's copy is returned instead. So is a change whose document another writer changed after
 * the rules allowed it (they might answer otherwise now). A document an earlier change of the same
 * push wrote is judged again against what that change wrote; a denial then is a conflict too. A write that loses a race with another writer
 * between the read and the commit (its version precondition fails) is a conflict the same way.
 */
final class ReplicationPush {
  static final int BATCH = 256;

  /** One validated client change; {@code baseVersion} is null when the client sent none. */
  record Change(boolean delete, DocumentPath path, MapValue data, Long baseVersion) {
    /** What the rules judge this change as. */
    RequestPolicy.Operation operation() {
      return delete ? RequestPolicy.Operation.of(Action.DELETE, path.value())
          : RequestPolicy.Operation.write(Action.UPDATE, path.value(), data, false);
    }
  }

  /** What to do about one change once its stored copy is known: a write, a conflict, or nothing. */
  private record Step(Change change, Write write, Document conflict) {}

  private final DocumentStore store;
  private final GatewayMetrics metrics;

  ReplicationPush(DocumentStore store, GatewayMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  /**
   * Runs on a worker; returns the server's copy of every change it could not apply, in change
   * order. {@code judged} holds what the rules saw for each change.
   */
  List<Document> apply(String db, List<Change> changes, List<RequestPolicy.Judgement> judged,
                       RequestPolicy.Judge judge, DatabaseQuota quota) {
    List<Document> conflicts = new ArrayList<>();
    Set<DocumentPath> seen = new HashSet<>(); // documents an earlier change of this push concerned
    int from = 0;
    while (from < changes.size()) {
      int to = batchEnd(changes, from);
      applyBatch(db, changes.subList(from, to), judged.subList(from, to), judge, quota, seen, conflicts);
      metrics.pushBatchWritten();
      from = to;
    }
    return conflicts;
  }

  /** The end of the batch starting at {@code from}: at most {@link #BATCH} changes of distinct documents. */
  private static int batchEnd(List<Change> changes, int from) {
    Set<DocumentPath> paths = new HashSet<>();
    int to = from;
    while (to < changes.size() && to - from < BATCH && paths.add(changes.get(to).path())) {
      to++;
    }
    return to;
  }

  private void applyBatch(String db, List<Change> batch, List<RequestPolicy.Judgement> judged,
                          RequestPolicy.Judge judge, DatabaseQuota quota, Set<DocumentPath> seen,
                          List<Document> conflicts) {
    List<Step> steps = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Change c = batch.get(i);
      steps.add(plan(db, c, seen.add(c.path()) ? judged.get(i) : rejudge(judge, c)));
    }
    List<CompletableFuture<ChangeEvent>> written = new ArrayList<>(steps.size());
    for (Step s : steps) {
      written.add(s.write() == null ? null : store.writeAsync(s.write(), quota));
    }
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      Document conflict = s.write() == null ? s.conflict() : outcome(db, s.change(), written.get(i));
      if (conflict != null) {
        conflicts.add(conflict);
      }
    }
  }

  /** The rules' answer for a change to a document this push already wrote; null when they deny it now. */
  private static RequestPolicy.Judgement rejudge(RequestPolicy.Judge judge, Change c) {
    try {
      return judge.judge(c.operation());
    } catch (SyntrixException denied) {
      return null;
    }
  }

  /** Judges one change against the stored copy; {@code judged} null: the rules deny it now. */
  private Step plan(String db, Change c, RequestPolicy.Judgement judged) {
    Document current = store.get(db, c.path(), true).orElse(null);
    Document live = current == null || current.deleted() ? null : current;
    if (judged == null || judged.version() >= 0 && judged.version() != (live == null ? 0 : live.version())) {
      return new Step(c, null, current); // changed since the rules allowed it
    }
    if (c.delete()) {
      if (live == null) {
        return new Step(c, null, null); // deleting what is not there creates nothing
      }
      if (c.baseVersion() != null && c.baseVersion() != live.version()) {
        return new Step(c, null, live);
      }
      return new Step(c, new Write.Delete(db, c.path(), versionIs(live.version())), null);
    }
    if (live == null) {
      if (current != null && c.baseVersion() != null && c.baseVersion() != current.version()) {
        return new Step(c, null, current); // the client edited what the server has deleted since
      }
      return new Step(c, new Write.Create(db, c.path(), c.data()), null);
    }
    if (c.baseVersion() != null && c.baseVersion() != live.version()) {
      return new Step(c, null, live);
    }
    return new Step(c, new Write.Replace(db, c.path(), c.data(), versionIs(live.version())), null);
  }

  /** Waits for a queued write; one that lost a race turns into a conflict with the latest copy. */
  private Document outcome(String db, Change c, CompletableFuture<ChangeEvent> write) {
    try {
      metrics.documentWritten(write.join().op());
      return null;
    } catch (CompletionException e) {
      if (e.getCause() instanceof SyntrixException s && (s.code() == ErrorCode.PRECONDITION_FAILED
          || s.code() == ErrorCode.CONFLICT || s.code() == ErrorCode.NOT_FOUND)) {
        return store.get(db, c.path(), true).orElse(null);
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static List<Filter> versionIs(long version) {
    return List.of(new Filter(SystemFields.VERSION, FilterOp.EQ, IntegerValue.of(version)));
  }
}
