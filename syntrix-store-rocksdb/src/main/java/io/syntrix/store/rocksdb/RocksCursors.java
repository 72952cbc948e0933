package io.syntrix.store.rocksdb;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.store.Cursor;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.spi.MergedCursor;
import io.syntrix.store.spi.DocumentCodec;
import io.syntrix.store.spi.OrderedCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * Cursors over key ranges. Each holds a RocksDB iterator (an implicit snapshot taken when it
 * opens) and is registered so that closing the store can release cursors callers forgot.
 *
 * <p>An index scan merges the field's index with its overflow entries ({@link OverflowCursor})
 * when the store holds any; both then read one explicit snapshot, with the documents the
 * overflow entries resolve through. A store without overflow entries pays nothing for them.
 */
final class RocksCursors {
  private final Engine engine;
  private final ReadOptions readOptions;
  private final LongSupplier overflowEntries;
  private final Set<Cursor<?>> open = ConcurrentHashMap.newKeySet();

  /**
   * @param readOptions     how cursors read (the live data, or a snapshot); owned by the caller
   * @param overflowEntries overflow entries visible to these reads, or more; zero only when none
   */
  RocksCursors(Engine engine, ReadOptions readOptions, LongSupplier overflowEntries) {
    this.engine = engine;
    this.readOptions = readOptions;
    this.overflowEntries = overflowEntries;
  }

  Cursor<Document> collection(String database, CollectionPath collection, String startAfterId,
                              boolean includeDeleted, boolean descending) {
    byte[] prefix = Keys.collectionPrefix(database, collection);
    byte[] after = startAfterId == null ? null : concat(prefix, startAfterId.getBytes(StandardCharsets.UTF_8));
    return register(new Base<Document>(engine.db.newIterator(engine.documents, readOptions)) {
      {
        if (descending) {
          // Ids are ASCII, so prefix + 0xFF sorts after every document of the collection.
          it.seekForPrev(after != null ? after : Keys.append(prefix, (byte) 0xFF));
        } else {
          it.seek(after != null ? Keys.append(after, (byte) 0) : prefix);
        }
      }

      @Override
      boolean inRange(byte[] key) {
        return Keys.startsWith(key, prefix);
      }

      @Override
      Document decode(byte[] key) {
        if (after != null && Arrays.equals(key, after)) {
          return null; // the start-after document itself
        }
        Document d = DocumentCodec.decode(new DocumentPath(collection.value() + "/" + Keys.idOf(key, prefix.length)),
            it.value());
        return d.deleted() && !includeDeleted ? null : d;
      }

      @Override
      void advance() {
        if (descending) {
          it.prev();
        } else {
          it.next();
        }
      }
    });
  }

  Cursor<IndexEntry> index(String database, CollectionPath collection, String field, IndexRange range,
                           boolean descending, IndexEntry startAfter) {
    byte[] prefix = Keys.indexPrefix(Keys.collectionPrefix(database, collection), field);
    byte[] low = lowerBound(prefix, range);
    byte[] high = upperBound(prefix, range); // exclusive
    byte[] after = startAfter == null ? null : Keys.indexPosition(prefix, startAfter.value(), startAfter.docId());
    if (overflowEntries.getAsLong() == 0) {
      return indexEntries(readOptions, prefix, low, high, after, descending);
    }
    Snapshot pinned = readOptions.snapshot() == null ? engine.db.getSnapshot() : null;
    ReadOptions options = pinned == null ? readOptions : new ReadOptions().setSnapshot(pinned);
    Cursor<IndexEntry> indexed = indexEntries(options, prefix, low, high, after, descending);
    Cursor<IndexEntry> overflow = new OverflowCursor(engine, options, database, collection, field, low, high, after,
        descending);
    AtomicReference<Cursor<IndexEntry>> merged = new AtomicReference<>();
    merged.set(register(new MergedCursor<>(indexed, overflow,
        IndexEntry.scanOrder(descending), () -> {
          open.remove(merged.get());
          if (pinned != null) {
            options.close();
            engine.db.releaseSnapshot(pinned);
          }
        })));
    return merged.get();
  }

  private Cursor<IndexEntry> indexEntries(ReadOptions options, byte[] prefix, byte[] low, byte[] high, byte[] after,
                                          boolean descending) {
    return register(new Base<IndexEntry>(engine.db.newIterator(engine.index, options)) {
      {
        if (descending) {
          it.seekForPrev(after != null && Arrays.compareUnsigned(after, high) < 0 ? after : high);
        } else {
          it.seek(after != null && Arrays.compareUnsigned(after, low) > 0 ? after : low);
        }
      }

      @Override
      boolean inRange(byte[] key) {
        return descending ? Arrays.compareUnsigned(key, low) >= 0 : Arrays.compareUnsigned(key, high) < 0;
      }

      @Override
      IndexEntry decode(byte[] key) {
        if (Arrays.equals(key, high) || (after != null && Arrays.equals(key, after))) {
          return null; // exclusive bound or the start-after position itself
        }
        int[] end = new int[1];
        var value = OrderedCode.decode(key, prefix.length, end);
        return new IndexEntry(value, new String(key, end[0], key.length - end[0], StandardCharsets.UTF_8));
      }

      @Override
      void advance() {
        if (descending) {
          it.prev();
        } else {
          it.next();
        }
      }
    });
  }

  /** First key of the range (inclusive). */
  private static byte[] lowerBound(byte[] prefix, IndexRange r) {
    if (r.lower() == null) {
      return r.upper() == null ? Keys.append(prefix, (byte) 0) : Keys.append(prefix, OrderedCode.classStart(r.upper().typeClass()));
    }
    byte[] encoded = concat(prefix, OrderedCode.encode(r.lower()));
    // Ids are ASCII, so 0xFF sorts after every entry holding exactly this value.
    return r.lowerInclusive() ? encoded : Keys.append(encoded, (byte) 0xFF);
  }

  /** End of the range (exclusive). */
  private static byte[] upperBound(byte[] prefix, IndexRange r) {
    if (r.upper() == null) {
      return r.lower() == null ? Keys.append(prefix, (byte) 0xFF) : Keys.append(prefix, OrderedCode.classEnd(r.lower().typeClass()));
    }
    byte[] encoded = concat(prefix, OrderedCode.encode(r.upper()));
    return r.upperInclusive() ? Keys.append(encoded, (byte) 0xFF) : encoded;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private <T> Cursor<T> register(Cursor<T> cursor) {
    open.add(cursor);
    return cursor;
  }

  void closeAll() {
    for (Cursor<?> c : open) {
      c.close();
    }
  }

  /**
   * Iterator plumbing: the range is over at the first key not {@link #inRange}; {@link #decode}
   * turns a key in range into an element, or null to skip it.
   */
  private abstract class Base<T> implements Cursor<T> {
    final RocksIterator it;
    private T next;
    private boolean done;

    Base(RocksIterator it) {
      this.it = it;
    }

    abstract boolean inRange(byte[] key);

    abstract T decode(byte[] key);

    abstract void advance();

    @Override
    public boolean hasNext() {
      while (next == null && !done) {
        if (!it.isValid()) {
          done = true;
          break;
        }
        byte[] key = it.key();
        if (!inRange(key)) {
          done = true;
          break;
        }
        next = decode(key);
        advance();
      }
      return next != null;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      T t = next;
      next = null;
      return t;
    }

    @Override
    public void close() {
      if (open.remove(this)) {
        done = true;
        it.close();
      }
    }
  }
}
