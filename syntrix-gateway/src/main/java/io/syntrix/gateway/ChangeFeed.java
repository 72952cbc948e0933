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
import java.io.IOException;
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
 *
 * <p><b>Bounds.</b> A pull looks at no more than {@link #SCAN_BUDGET} log entries, through
 * {@link ChangeLog#readCollection}, which skips other databases and collections without decoding
 * their documents; it then answers what it found with the position reached, so a client behind a
 * busy log still moves forward. It remembers at most {@code limit} (seq, path) pairs, and hands
 * the documents to a {@link Sink} one at a time, so a page of large documents is streamed, never
 * held whole.
 */
final class ChangeFeed {
  static final int SCAN_BUDGET = 100_000;
  private static final int PAGE = 4_096;

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

  /** Receives the documents of a pull in order; runs on the pulling worker. */
  interface Sink {
    void document(Document document) throws IOException;
  }

  /**
   * Sends up to {@code limit} documents to {@code sink} and returns the position to continue from.
   *
   * @param limit most documents, at least 1
   */
  Position pull(String database, CollectionPath collection, Position from, int limit, Sink sink) throws IOException {
    ChangeLog log = store.changeLog();
    if (from.afterId() != null) {
      return snapshot(database, collection, from.seq(), from.afterId(), limit, sink);
    }
    long seq = from.seq() > log.lastSeq() ? 0 : from.seq();
    Window window;
    try {
      window = window(log, database, collection, seq, limit);
    } catch (ChangeLogTruncatedException e) {
      return snapshot(database, collection, log.lastSeq(), "", limit, sink);
    }
    for (Map.Entry<DocumentPath, Long> changed : window.latest().entrySet()) {
      Document document = image(log, database, changed.getKey(), changed.getValue());
      if (document != null) {
        sink.document(document);
      }
    }
    return new Position(window.reached(), null);
  }

  /** The latest change of each document of the window, in the order of those changes, and the seq the window ends at. */
  private record Window(Map<DocumentPath, Long> latest, long reached) {}

  private static Window window(ChangeLog log, String database, CollectionPath collection, long after, int limit) {
    Map<DocumentPath, Long> latest = new LinkedHashMap<>();
    long position = after;
    while (position - after < SCAN_BUDGET) {
      int budget = (int) Math.min(PAGE, SCAN_BUDGET - (position - after));
      ChangeLog.CollectionChanges page = log.readCollection(position, budget, database, collection);
      for (ChangeLog.ChangedPath c : page.changes()) {
        boolean isNew = latest.remove(c.path()) == null;
        if (isNew && latest.size() == limit) {
          // Seqs are gap-free and everything between was someone else's or already counted.
          return new Window(latest, c.seq() - 1);
        }
        latest.put(c.path(), c.seq());
      }
      if (page.examinedTo() == position) {
        break; // the end of the log
      }
      position = page.examinedTo();
    }
    return new Window(latest, position);
  }

  /**
   * The document as the change at {@code seq} left it. Should retention purge that entry while
   * the pull runs, the current copy stands in: it is as new or newer and carries its version.
   */
  private Document image(ChangeLog log, String database, DocumentPath path, long seq) {
    try {
      List<ChangeEvent> entry = log.read(seq - 1, 1);
      if (!entry.isEmpty() && entry.get(0).seq() == seq) {
        return entry.get(0).after();
      }
    } catch (ChangeLogTruncatedException e) {
      // fall through to the current copy
    }
    return store.get(database, path, true).orElse(null);
  }

  private Position snapshot(String database, CollectionPath collection, long seq, String afterId, int limit, Sink sink)
      throws IOException {
    int sent = 0;
    String lastId = null;
    try (Cursor<Document> cursor = store.scanCollection(database, collection, afterId.isEmpty() ? null : afterId, true)) {
      while (sent < limit && cursor.hasNext()) {
        Document d = cursor.next();
        sink.document(d);
        lastId = d.id();
        sent++;
      }
      return cursor.hasNext() ? new Position(seq, lastId) : new Position(seq, null);
    }
  }
}
