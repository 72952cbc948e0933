package io.syntrix.store.postgres.log;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest change-log entries as this process's sequencer committed them, so that readers of
 * the log's tail (the streamer's puller, a resume a moment behind) get them without reading back
 * from PostgreSQL what was in memory a moment before. Only the process that sequences fills it;
 * every other process reads the table.
 *
 * <p>Holds one gap-free run of seqs, at most {@code maxBytes} of payload: a batch that does not
 * follow the last entry (another process sequenced in between) starts the run over; the oldest
 * entries go first. Entries are added after their batch committed, so everything here is in the
 * table too, until retention purges it: {@link #dropThrough} takes out what this process purged.
 * (A purge by another process of entries still held here needs a retention shorter than the age
 * of the newest few megabytes of the log.) Thread-safe: one writer (the sequencer thread), any
 * number of readers.
 */
final class RecentEntries {
  private final long maxBytes;
  private final ArrayList<Sequencer.Entry> entries = new ArrayList<>();
  private int head;
  private long bytes;

  RecentEntries(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized void append(List<Sequencer.Entry> batch) {
    if (batch.isEmpty()) {
      return;
    }
    if (head < entries.size() && batch.get(0).seq() != entries.get(entries.size() - 1).seq() + 1) {
      clear();
    }
    for (Sequencer.Entry e : batch) {
      entries.add(e);
      bytes += e.payload().length;
    }
    while (bytes > maxBytes && head < entries.size()) {
      bytes -= entries.get(head).payload().length;
      entries.set(head++, null);
    }
    compact();
  }

  /**
   * The entries after {@code afterSeq} through {@code throughSeq}, at most {@code max}, when this
   * holds all of them (the same page the table would give); null when it does not (the caller
   * reads the table).
   */
  synchronized List<Sequencer.Entry> after(long afterSeq, long throughSeq, int max) {
    if (head == entries.size() || afterSeq >= throughSeq || max <= 0) {
      return null;
    }
    long first = entries.get(head).seq();
    long last = entries.get(entries.size() - 1).seq();
    long wantedLast = Math.min(throughSeq, afterSeq + max);
    if (afterSeq + 1 < first || wantedLast > last) {
      return null;
    }
    int from = head + (int) (afterSeq + 1 - first);
    int to = head + (int) (wantedLast - first) + 1;
    return new ArrayList<>(entries.subList(from, to));
  }

  /** Forgets the entries up to {@code seq}, which retention purged. */
  synchronized void dropThrough(long seq) {
    while (head < entries.size() && entries.get(head).seq() <= seq) {
      bytes -= entries.get(head).payload().length;
      entries.set(head++, null);
    }
    compact();
  }

  private void clear() {
    entries.clear();
    head = 0;
    bytes = 0;
  }

  private void compact() {
    if (head > 1024 && head > entries.size() / 2) {
      entries.subList(0, head).clear();
      head = 0;
    }
  }
}
