package io.syntrix.store.rocksdb;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.Value;
import io.syntrix.store.Cursor;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.spi.DocumentCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The values of one field too large to index ({@link IndexMaintainer}), as index entries in scan
 * order within an index scan's bounds: the "scan for those values" that keeps index scans
 * complete. {@link RocksCursors} merges it with the field's index.
 *
 * <p><b>How.</b> Overflow entries are ordered by the first 1,500 bytes of the encoded value (the
 * head), then id. Truncation keeps order (a &lt; b implies head(a) &le; head(b)), so the entries
 * whose value can lie within the bounds sit between the heads of the bounds: the cursor seeks
 * there and stops past them. Each entry's value is read from its document, through the same read
 * options (one snapshot with the index), and checked against the exact bounds and start-after
 * position as a whole index key. Entries with equal heads are ordered by id, not value, so each
 * run of equal heads is read whole and sorted by (value, id) before it is handed out.
 *
 * <p><b>Memory.</b> The largest run of values sharing their first 1,500 bytes, values included.
 * <b>Threads.</b> One thread at a time, like every cursor.
 */
final class OverflowCursor implements Cursor<IndexEntry> {
  private static final int HEAD = IndexMaintainer.MAX_INDEXED_VALUE_BYTES;

  private final Engine engine;
  private final ReadOptions options;
  private final CollectionPath collection;
  private final byte[] collectionPrefix;
  private final String field;
  private final byte[] indexPrefix;
  private final byte[] overflowPrefix;
  private final byte[] low;
  private final byte[] high;
  private final byte[] after;
  private final boolean descending;
  private final byte[] stopHead;
  private final Comparator<IndexEntry> order;
  private final RocksIterator it;
  private final ArrayDeque<IndexEntry> ready = new ArrayDeque<>();
  private boolean done;

  /**
   * @param low   first index key of the scan (inclusive)
   * @param high  end of the scan (exclusive)
   * @param after start-after position as an index key (exclusive in scan order), or null
   */
  OverflowCursor(Engine engine, ReadOptions options, String database, CollectionPath collection, String field,
                 byte[] low, byte[] high, byte[] after, boolean descending) {
    this.engine = engine;
    this.options = options;
    this.collection = collection;
    this.collectionPrefix = Keys.collectionPrefix(database, collection);
    this.field = field;
    this.indexPrefix = Keys.indexPrefix(collectionPrefix, field);
    this.overflowPrefix = Keys.overflowPrefix(collectionPrefix, field);
    this.low = low;
    this.high = high;
    this.after = after;
    this.descending = descending;
    this.order = IndexEntry.scanOrder(descending);
    this.it = engine.db.newIterator(engine.index, options);
    if (descending) {
      byte[] to = after != null && Arrays.compareUnsigned(after, high) < 0 ? after : high;
      it.seekForPrev(Keys.append(concat(overflowPrefix, head(to)), (byte) 0xFF)); // ids are ASCII, below 0xFF
      stopHead = head(low);
    } else {
      byte[] from = after != null && Arrays.compareUnsigned(after, low) > 0 ? after : low;
      it.seek(concat(overflowPrefix, head(from)));
      stopHead = head(high);
    }
  }

  /** The first 1,500 bytes of a bound's value part (what follows the field's index prefix). */
  private byte[] head(byte[] indexKey) {
    return Arrays.copyOfRange(indexKey, indexPrefix.length, Math.min(indexKey.length, indexPrefix.length + HEAD));
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && !done) {
      readRun();
    }
    return !ready.isEmpty();
  }

  @Override
  public IndexEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  /** Reads the next run of entries with equal heads, sorted, into {@link #ready}; or ends the scan. */
  private void readRun() {
    if (!atOverflowEntry()) {
      done = true;
      return;
    }
    int from = overflowPrefix.length;
    byte[] head = Arrays.copyOfRange(it.key(), from, from + HEAD);
    int c = Arrays.compareUnsigned(head, stopHead);
    if (descending ? c < 0 : c > 0) {
      done = true;
      return;
    }
    List<IndexEntry> run = new ArrayList<>();
    do {
      IndexEntry e = resolve(it.key());
      if (e != null) {
        run.add(e);
      }
      if (descending) {
        it.prev();
      } else {
        it.next();
      }
    } while (atOverflowEntry() && Arrays.equals(it.key(), from, from + HEAD, head, 0, HEAD));
    run.sort(order);
    ready.addAll(run);
  }

  private boolean atOverflowEntry() {
    return it.isValid() && Keys.startsWith(it.key(), overflowPrefix);
  }

  /** The entry's value from its document, if its whole index key lies within the scan; else null. */
  private IndexEntry resolve(byte[] key) {
    int idAt = overflowPrefix.length + HEAD;
    String id = new String(key, idAt, key.length - idAt, StandardCharsets.UTF_8);
    byte[] stored;
    try {
      stored = engine.db.get(engine.documents, options, concat(collectionPrefix, id.getBytes(StandardCharsets.UTF_8)));
    } catch (RocksDBException e) {
      throw io.syntrix.store.StoreException.unavailable("cannot read '" + collection.document(id) + "': " + e.getMessage(), e);
    }
    if (stored == null) {
      return null; // not within one snapshot; nothing to return
    }
    Document d = DocumentCodec.decode(collection.document(id), stored);
    Value v = d.data().get(field);
    if (v == null) {
      return null;
    }
    byte[] full = Keys.indexPosition(indexPrefix, v, id);
    boolean inBounds = Arrays.compareUnsigned(full, low) >= 0 && Arrays.compareUnsigned(full, high) < 0;
    boolean pastStart = after == null
        || (descending ? Arrays.compareUnsigned(full, after) < 0 : Arrays.compareUnsigned(full, after) > 0);
    return inBounds && pastStart ? new IndexEntry(v, id) : null;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public void close() {
    done = true;
    ready.clear();
    it.close();
  }

  /** Index order: (value, id). Ids are ASCII, so string order is byte order. */
}
