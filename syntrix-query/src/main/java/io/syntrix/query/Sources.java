package io.syntrix.query;

import io.syntrix.model.Document;
import io.syntrix.model.NullValue;
import io.syntrix.model.Values;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** The access paths' document streams, built on a {@link Reader}. */
final class Sources {
  private Sources() {}

  /** Point reads of {@code ids} in the given order. */
  static DocSource pointGets(Reader reader, List<String> ids) {
    Iterator<String> it = ids.iterator();
    return new DocSource() {
      @Override
      public Document next() {
        while (it.hasNext()) {
          Document d = reader.get(it.next());
          if (d != null) {
            return d;
          }
        }
        return null;
      }

      @Override
      public void close() {}
    };
  }

  /** The documents of index entries, in entry order. */
  static DocSource fetch(Reader reader, EntryStream entries) {
    return new DocSource() {
      @Override
      public Document next() {
        for (IndexEntry e = entries.next(); e != null; e = entries.next()) {
          Document d = reader.get(e.docId());
          if (d != null) {
            return d;
          }
        }
        return null;
      }

      @Override
      public void close() {
        entries.close();
      }
    };
  }

  /** Streams each in ascending id order merged into one, an id seen twice kept once. */
  static EntryStream mergeById(List<EntryStream> streams) {
    if (streams.size() == 1) {
      return streams.get(0);
    }
    IndexEntry[] heads = new IndexEntry[streams.size()];
    for (int i = 0; i < heads.length; i++) {
      heads[i] = streams.get(i).next();
    }
    return new EntryStream() {
      @Override
      public IndexEntry next() {
        int min = -1;
        for (int i = 0; i < heads.length; i++) {
          if (heads[i] != null && (min < 0 || heads[i].docId().compareTo(heads[min].docId()) < 0)) {
            min = i;
          }
        }
        if (min < 0) {
          return null;
        }
        IndexEntry out = heads[min];
        for (int i = 0; i < heads.length; i++) {
          if (heads[i] != null && heads[i].docId().equals(out.docId())) {
            heads[i] = streams.get(i).next();
          }
        }
        return out;
      }

      @Override
      public void close() {
        streams.forEach(EntryStream::close);
      }
    };
  }

  /**
   * Index order with the documents that lack the field merged in where a null value would sort:
   * both streams run in (value, id) order in the same direction, a missing document counting as
   * (null, id). The missing stream is pulled only when its head may come next: ascending, before
   * any entry (nulls sort first, so the first page may read the whole collection); descending,
   * only once the index reaches its null entries or ends.
   */
  static DocSource withMissing(Reader reader, EntryStream entries, DocSource missing, boolean descending) {
    return new DocSource() {
      private IndexEntry entry;
      private boolean entriesDone;
      private Document absent;
      private boolean missingDone;

      @Override
      public Document next() {
        while (true) {
          if (entry == null && !entriesDone) {
            entry = entries.next();
            entriesDone = entry == null;
          }
          boolean missingMayLead = entry == null || !descending || entry.value() instanceof NullValue;
          if (absent == null && !missingDone && missingMayLead) {
            absent = missing.next();
            missingDone = absent == null;
          }
          if (entry == null && absent == null) {
            return null;
          }
          if (absent == null || (entry != null && before(entry, absent))) {
            String id = entry.docId();
            entry = null;
            Document d = reader.get(id);
            if (d != null) {
              return d;
            }
          } else {
            Document d = absent;
            absent = null;
            return d;
          }
        }
      }

      private boolean before(IndexEntry e, Document d) {
        int c = Values.compare(e.value(), NullValue.INSTANCE);
        if (c == 0) {
          c = e.docId().compareTo(d.id());
        }
        return descending ? c > 0 : c < 0;
      }

      @Override
      public void close() {
        entries.close();
        missing.close();
      }
    };
  }

  /** The documents of {@code source} that lack the top-level {@code field}. */
  static DocSource lacking(DocSource source, String field) {
    return new DocSource() {
      @Override
      public Document next() {
        for (Document d = source.next(); d != null; d = source.next()) {
          if (d.data().get(field) == null) { // tombstones have no data
            return d;
          }
        }
        return null;
      }

      @Override
      public void close() {
        source.close();
      }
    };
  }

  /**
   * The documents of index ranges in id order: the ids are collected first, at most
   * {@code bound} of them after {@code startAfterId}; past that the collection is scanned instead
   * (the ranges grew since the probe), so memory stays bounded either way.
   */
  static DocSource sortedIds(Reader reader, String field, List<IndexRange> ranges, String startAfterId, long bound) {
    TreeSet<String> ids = new TreeSet<>();
    try (EntryStream entries = reader.index(field, ranges, false, null)) {
      for (IndexEntry e = entries.next(); e != null; e = entries.next()) {
        if (startAfterId == null || e.docId().compareTo(startAfterId) > 0) {
          ids.add(e.docId());
          if (ids.size() > bound) {
            return reader.collection(startAfterId, false);
          }
        }
      }
    }
    return pointGets(reader, List.copyOf(ids));
  }
}
