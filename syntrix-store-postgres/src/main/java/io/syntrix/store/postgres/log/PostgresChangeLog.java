package io.syntrix.store.postgres.log;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.DocumentPath;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.ChangeLogTruncatedException;
import io.syntrix.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.sql.DataSource;

/**
 * The change log as every process reads it: the table {@code syntrix_changes}, filled by the
 * {@link Sequencer} (whichever process holds that role), read by seq. Seqs are gap-free, so a
 * range of them is a range of rows; {@link #readCollection} filters by the database and
 * collection columns without decoding other entries.
 */
public final class PostgresChangeLog implements ChangeLog {
  /** Decodes one entry's payload (the writer's encoding of its change) with the seq it was given. */
  public interface Decoder {
    ChangeEvent decode(long seq, byte[] payload);
  }

  private final DataSource pool;
  private final SequenceFollower follower;
  private final Decoder decoder;
  /** The log's tail as this process sequenced it: at most 8 MiB of payload. */
  private final RecentEntries recent = new RecentEntries(8L << 20);

  public PostgresChangeLog(DataSource pool, SequenceFollower follower, Decoder decoder) {
    this.pool = pool;
    this.follower = follower;
    this.decoder = decoder;
  }

  /** What this process's sequencer has just committed (the whole batch, after its commit). */
  public void sequencedHere(List<Sequencer.Entry> entries) {
    recent.append(entries);
  }

  /** Entries up to {@code seq} were purged by this process's retention. */
  public void purgedThrough(long seq) {
    recent.dropThrough(seq);
  }

  @Override
  public long lastSeq() {
    return follower.lastSeq();
  }

  @Override
  public long firstSeq() {
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT first_seq FROM syntrix_sequencer WHERE id = 1");
         ResultSet r = s.executeQuery()) {
      return r.next() ? r.getLong(1) : 1;
    } catch (SQLException e) {
      throw unavailable("read the first retained seq", e);
    }
  }

  /**
   * Reads no further than {@link #lastSeq()}, as {@link #readCollection} and RocksDB do: an entry
   * is in the table a moment before this process's follower publishes it, and a seq handed out
   * before then would be ahead of {@code lastSeq()} (a client resuming from it looked like one
   * from another store, and was sent a reset snapshot).
   */
  @Override
  public List<ChangeEvent> read(long afterSeq, int max) {
    List<Sequencer.Entry> tail = recent.after(afterSeq, lastSeq(), max);
    if (tail != null) {
      List<ChangeEvent> out = new ArrayList<>(tail.size());
      for (Sequencer.Entry e : tail) {
        out.add(decoder.decode(e.seq(), e.payload()));
      }
      return out;
    }
    List<ChangeEvent> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement(
             "SELECT seq, payload FROM syntrix_changes WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")) {
      s.setLong(1, afterSeq);
      s.setLong(2, lastSeq());
      s.setInt(3, max);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(decoder.decode(r.getLong(1), r.getBytes(2)));
        }
      }
    } catch (SQLException e) {
      throw unavailable("read the change log after seq " + afterSeq, e);
    }
    checkRetained(afterSeq, out.isEmpty() ? -1 : out.get(0).seq());
    return out;
  }

  @Override
  public CollectionChanges readCollection(long afterSeq, int maxExamined, String database, CollectionPath collection) {
    long to = Math.min(lastSeq(), afterSeq + maxExamined);
    List<ChangedPath> changes = new ArrayList<>();
    try (Connection c = pool.getConnection();
         PreparedStatement s = c.prepareStatement("SELECT seq, doc_id FROM syntrix_changes"
             + " WHERE seq > ? AND seq <= ? AND db = ? AND collection = ? ORDER BY seq")) {
      s.setLong(1, afterSeq);
      s.setLong(2, to);
      s.setString(3, database);
      s.setString(4, collection.value());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          changes.add(new ChangedPath(r.getLong(1), collection.document(r.getString(2))));
        }
      }
    } catch (SQLException e) {
      throw unavailable("read the changes of " + database + "/" + collection + " after seq " + afterSeq, e);
    }
    checkRetained(afterSeq, changes.isEmpty() ? -1 : changes.get(0).seq());
    return new CollectionChanges(changes, Math.max(afterSeq, to));
  }

  /** Entries after {@code afterSeq} were wanted; were the first of them purged? */
  private void checkRetained(long afterSeq, long firstRead) {
    if (firstRead == afterSeq + 1) {
      return;
    }
    long first = firstSeq();
    if (afterSeq + 1 < first) {
      throw new ChangeLogTruncatedException(afterSeq, first);
    }
  }

  @Override
  public long awaitAfter(long afterSeq, long timeout, TimeUnit unit) throws InterruptedException {
    return follower.awaitAfter(afterSeq, timeout, unit);
  }

  @Override
  public AutoCloseable onCommit(LongConsumer listener) {
    return follower.onCommit(listener);
  }

  private static StoreException unavailable(String what, SQLException e) {
    return StoreException.unavailable("cannot " + what + " (PostgreSQL " + e.getSQLState() + ": " + e.getMessage() + ")",
        e);
  }
}
