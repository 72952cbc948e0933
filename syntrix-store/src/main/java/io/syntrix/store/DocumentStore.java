package io.syntrix.store;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Filter;
import io.syntrix.model.MapValue;
import io.syntrix.model.SyntrixException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The storage SPI. Every write commits the document, its index entries and one change-log entry
 * atomically and returns that entry (its {@code seq}, operation and the document before and
 * after). {@code version} starts at 1 and grows by one on every write including a delete;
 * {@code createdAt} is fixed at creation and {@code updatedAt} never goes back (Unix ms).
 *
 * <p>Databases are isolated key spaces. Every method is thread-safe; {@link #writeAsync}
 * completes on the store's committer thread, so dependent stages must not block.
 */
public interface DocumentStore extends ReadView, AutoCloseable {

  /** Queues a write for the committer. Failures complete the future with a {@link SyntrixException}. */
  default CompletableFuture<ChangeEvent> writeAsync(Write write) {
    return writeAsync(write, DatabaseQuota.NONE);
  }

  /**
   * Queues a write that must keep its database within {@code quota}; a write that would grow it
   * past a limit fails with {@code QUOTA_EXCEEDED} (see {@link DatabaseQuota}). Never blocks the
   * caller (event loops call it): when the store cannot take more writes now, the future fails at
   * once with {@link StoreException.Busy}.
   */
  CompletableFuture<ChangeEvent> writeAsync(Write write, DatabaseQuota quota);

  /** Commits a write and returns its change-log entry; throws the {@link SyntrixException} it failed with. */
  default ChangeEvent write(Write write) {
    return write(write, DatabaseQuota.NONE);
  }

  /** {@link #write(Write)} within {@code quota}. */
  default ChangeEvent write(Write write, DatabaseQuota quota) {
    try {
      return writeAsync(write, quota).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  default Document create(String database, DocumentPath path, MapValue data) {
    return write(new Write.Create(database, path, data)).after();
  }

  default Document replace(String database, DocumentPath path, MapValue data, List<Filter> ifMatch) {
    return write(new Write.Replace(database, path, data, ifMatch)).after();
  }

  default Document patch(String database, DocumentPath path, MapValue data, List<Filter> ifMatch) {
    return write(new Write.Patch(database, path, data, ifMatch)).after();
  }

  /** Soft-deletes and returns the tombstone. */
  default Document delete(String database, DocumentPath path, List<Filter> ifMatch) {
    return write(new Write.Delete(database, path, ifMatch)).after();
  }

  /**
   * A consistent, read-only view of every database as of one commit: exactly the writes up to
   * {@link ReadSnapshot#seq()}, whatever is committed while it is open. Close it promptly: it
   * pins old data.
   */
  ReadSnapshot snapshot();

  /**
   * What {@code database} holds now, as its quota counts it: exact as of the last commit, kept
   * with every write (no scan), and {@link DatabaseUsage#EMPTY} for a database never written.
   */
  DatabaseUsage usage(String database);

  ChangeLog changeLog();

  /** The server's own records (users, databases, tokens, rules). */
  SystemStore system();

  /**
   * Removes every document, tombstone and index entry of {@code database} at once, without
   * change-log entries (the database itself is going away), in bounded work that does not grow
   * with the database. Returns how many live documents went.
   */
  long dropDatabase(String database);

  /**
   * True while the store can commit writes: for the embedded engine, while its committer thread
   * runs (it is the only writer, so without it every write waits forever). Cheap; readiness probes
   * call it on event loops.
   */
  boolean isHealthy();

  /** Finishes queued writes, makes them durable and releases every resource. */
  @Override
  void close();
}
