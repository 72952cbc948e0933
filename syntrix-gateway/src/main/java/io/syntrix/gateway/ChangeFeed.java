package io.syntrix.gateway;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.InvalidInputException;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.ChangeLogTruncatedException;
import io.syntrix.store.Cursor;
import io.syntrix.store.DocumentStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pull side of replication: the documents of one collection changed after a position, each
 * once (its latest image in the window), in the commit order of that latest change.
 *
 * <p><b>Positions.</b> Normally the change-log seq ({@code "42"}). Two cases need more:
 * <ul>
 *   <li>a checkpoint above the last seq cannot be ours (a Go client's {@code updatedAt}, or a
 *       store that was reset): the client starts again from 0 rather than waiting forever;
 *   <li>a checkpoint older than retention cannot be served from the log: the client gets a
 *       snapshot of the collection (tombstones included) in id order, in pages whose position
 *       is {@code "<seq>~<lastId>"}, then continues from {@code <seq>}, the log position taken
 *       when the snapshot started (changes during the snapshot may come twice; each carries its
 *       version, so applying them is idempotent).
 * </ul>
 * A pull reads at most {@link #SCAN_BUDGET} log entries; it then returns what it found with the
 * position reached, so a client behind a busy log still moves forward.
 */
final class ChangeFeed {
  static final int SCAN_BUDGET = 100_000;
  private static final int PAGE = 1_000;
  private static final int SNAPSHOT_PAGE = 1_000;

  private final DocumentStore store;

  ChangeFeed(DocumentStore store) {
    this.store = store;
  }

  /** A pull position: a seq, optionally inside a snapshot after document {@code afterId}. */
  record Position(long seq, String afterId) {
    static Position parse(String checkpoint) {
      int tilde = checkpoint.indexOf('~');
      try {
        long seq = Long.parseLong(tilde < 0 ? checkpoint : checkpoint.substring(0, tilde));
        InvalidInputException.check(seq >= 0, "checkpoint must not be negative");
        return new Position(seq, tilde < 0 ? null : checkpoint.substring(tilde + 1));
      } catch (NumberFormatException e) {
        throw new InvalidInputException("invalid checkpoint '" + checkpoint + "' (expected a seq from an earlier pull, or 0)");
      }
    }

    @Override
    public String toString() {
      return afterId == null ? Long.toString(seq) : seq + "~" + afterId;
    }
  }

  record Page(List<Document> documents, Position checkpoint) {}

  /** @param limit most documents to return; 0 for no limit */
  Page pull(String database, CollectionPath collection, Position from, int limit) {
    ChangeLog log = store.changeLog();
    if (from.afterId() != null) {
      return snapshot(database, collection, from.seq(), from.afterId(), limit);
    }
    long seq = from.seq() > log.lastSeq() ? 0 : from.seq();
    try {
      return fromLog(log, database, collection, seq, limit);
    } catch (ChangeLogTruncatedException e) {
      return snapshot(database, collection, log.lastSeq(), "", limit);
    }
  }

  private Page fromLog(ChangeLog log, String database, CollectionPath collection, long after, int limit) {
    Map<DocumentPath, Document> latest = new LinkedHashMap<>();
    long position = after;
    int scanned = 0;
    while (scanned < SCAN_BUDGET) {
      List<ChangeEvent> entries = log.read(position, PAGE);
      if (entries.isEmpty()) {
        break;
      }
      for (ChangeEvent e : entries) {
        if (e.database().equals(database) && e.path().collection().equals(collection)) {
          boolean isNew = latest.remove(e.path()) == null;
          if (isNew && limit > 0 && latest.size() == limit) {
            return new Page(new ArrayList<>(latest.values()), new Position(position, null));
          }
          latest.put(e.path(), e.after());
        }
        position = e.seq();
        scanned++;
      }
    }
    return new Page(new ArrayList<>(latest.values()), new Position(position, null));
  }

  private Page snapshot(String database, CollectionPath collection, long seq, String afterId, int limit) {
    int max = limit == 0 ? SNAPSHOT_PAGE : limit;
    List<Document> docs = new ArrayList<>();
    try (Cursor<Document> cursor = store.scanCollection(database, collection, afterId.isEmpty() ? null : afterId, true)) {
      while (cursor.hasNext() && docs.size() < max) {
        docs.add(cursor.next());
      }
      boolean more = cursor.hasNext();
      Position next = more ? new Position(seq, docs.get(docs.size() - 1).id()) : new Position(seq, null);
      return new Page(docs, next);
    }
  }
}
