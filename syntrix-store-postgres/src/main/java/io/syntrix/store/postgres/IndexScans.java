package io.syntrix.store.postgres;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import io.syntrix.store.Cursor;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.spi.MergedCursor;
import io.syntrix.store.spi.IndexedValues;
import io.syntrix.store.spi.OrderedCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import javax.sql.DataSource;

/**
 * Single-field index scans: keyset pages over the {@code index_entries} btree in (value, doc_id)
 * order, merged with the field's overflow entries (values over 1,500 bytes), exactly as RocksDB's
 * scans.
 *
 * <p><b>Overflow entries.</b> They are ordered by head (the first 1,500 bytes of the encoding),
 * then id. Truncation keeps order, so the candidates for a scan have heads between the heads of
 * its bounds; each candidate's value is read from its document (joined in the same query) and
 * checked against the exact bounds and start-after position. Runs of equal heads are ordered by
 * id, not value, so each run is read whole and sorted before it is handed out (memory: the largest
 * run of values sharing their first 1,500 bytes).
 */
final class IndexScans {
  private static final int OVERFLOW_PAGE = 16;

  private final DataSource pool;
  private final int pageSize;

  IndexScans(DataSource pool, int pageSize) {
    this.pool = pool;
    this.pageSize = pageSize;
  }

  Cursor<IndexEntry> scan(String database, CollectionPath collection, String field, IndexRange range,
                          boolean descending, IndexEntry startAfter) {
    IndexBounds bounds = IndexBounds.of(range);
    byte[] afterValue = startAfter == null ? null : OrderedCode.encode(startAfter.value());
    String doing = "scanning the index on '" + field + "' of '" + collection + "' in database '" + database + "'";
    Cursor<IndexEntry> indexed = new PagedCursor<>(
        indexPage(database, collection, field, bounds, descending, startAfter, afterValue), pageSize, doing);
    Cursor<IndexEntry> overflow = new OverflowCursor(new PagedCursor<>(
        overflowPage(database, collection, field, bounds, descending, startAfter, afterValue), OVERFLOW_PAGE, doing),
        bounds, descending, startAfter, afterValue);
    return new MergedCursor<>(indexed, overflow, IndexEntry.scanOrder(descending), () -> { });
  }

  private PagedCursor.PageReader<IndexEntry> indexPage(String database, CollectionPath collection, String field,
                                                       IndexBounds bounds, boolean descending, IndexEntry startAfter,
                                                       byte[] afterValue) {
    String order = descending ? " DESC" : "";
    String sql = "SELECT value, doc_id FROM index_entries WHERE db = ? AND collection = ? AND field = ?"
        + " AND value >= ? AND value < ?%s ORDER BY value" + order + ", doc_id" + order + " LIMIT ?";
    String fromEdge = sql.formatted("");
    String fromPosition = sql.formatted(" AND (value, doc_id) " + (descending ? "<" : ">") + " (?, ?)");
    // A page continues after the last entry by bytes: its decoded value encodes to the same bytes.
    return (last, limit) -> {
      byte[] from = last != null ? OrderedCode.encode(last.value()) : afterValue;
      String fromId = last != null ? last.docId() : startAfter == null ? null : startAfter.docId();
      try (Connection c = pool.getConnection();
           PreparedStatement s = c.prepareStatement(from == null ? fromEdge : fromPosition)) {
        int i = 1;
        s.setString(i++, database);
        s.setString(i++, collection.value());
        s.setString(i++, PgText.escape(field));
        s.setBytes(i++, bounds.low());
        s.setBytes(i++, bounds.high());
        if (from != null) {
          s.setBytes(i++, from);
          s.setString(i++, fromId);
        }
        s.setInt(i, limit);
        List<IndexEntry> page = new ArrayList<>(limit);
        try (ResultSet rs = s.executeQuery()) {
          int[] end = new int[1];
          while (rs.next()) {
            page.add(new IndexEntry(OrderedCode.decode(rs.getBytes(1), 0, end), rs.getString(2)));
          }
        }
        return page;
      }
    };
  }

  /** A candidate overflow entry: its head, id, and the field's value in the document now (null: none). */
  record OverflowRow(byte[] head, String id, Value value) {}

  private PagedCursor.PageReader<OverflowRow> overflowPage(String database, CollectionPath collection, String field,
                                                           IndexBounds bounds, boolean descending,
                                                           IndexEntry startAfter, byte[] afterValue) {
    byte[] fromHead;
    byte[] toHead;
    if (descending) {
      fromHead = IndexedValues.head(bounds.low());
      byte[] to = afterValue != null && Arrays.compareUnsigned(afterValue, bounds.high()) < 0 ? afterValue : bounds.high();
      toHead = IndexedValues.head(to);
    } else {
      byte[] from = afterValue != null && Arrays.compareUnsigned(afterValue, bounds.low()) > 0 ? afterValue : bounds.low();
      fromHead = IndexedValues.head(from);
      toHead = IndexedValues.head(bounds.high());
    }
    String order = descending ? " DESC" : "";
    String sql = "SELECT o.head, o.doc_id, d.data FROM overflow_entries o JOIN documents d"
        + " ON d.db = o.db AND d.collection = o.collection AND d.id = o.doc_id"
        + " WHERE o.db = ? AND o.collection = ? AND o.field = ? AND o.head >= ? AND o.head <= ?%s"
        + " ORDER BY o.head" + order + ", o.doc_id" + order + " LIMIT ?";
    String fromEdge = sql.formatted("");
    String fromPosition = sql.formatted(" AND (o.head, o.doc_id) " + (descending ? "<" : ">") + " (?, ?)");
    return (last, limit) -> {
      try (Connection c = pool.getConnection();
           PreparedStatement s = c.prepareStatement(last == null ? fromEdge : fromPosition)) {
        int i = 1;
        s.setString(i++, database);
        s.setString(i++, collection.value());
        s.setString(i++, PgText.escape(field));
        s.setBytes(i++, fromHead);
        s.setBytes(i++, toHead);
        if (last != null) {
          s.setBytes(i++, last.head());
          s.setString(i++, last.id());
        }
        s.setInt(i, limit);
        List<OverflowRow> page = new ArrayList<>(limit);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            MapValue data = (MapValue) Json.parse(rs.getString(3));
            page.add(new OverflowRow(rs.getBytes(1), rs.getString(2), data.get(field)));
          }
        }
        return page;
      }
    };
  }

  /** The overflow candidates as checked index entries in scan order, one run of equal heads at a time. */
  private static final class OverflowCursor implements Cursor<IndexEntry> {
    private final PagedCursor<OverflowRow> rows;
    private final IndexBounds bounds;
    private final boolean descending;
    private final IndexEntry startAfter;
    private final byte[] afterValue;
    private final Comparator<IndexEntry> order;
    private final ArrayDeque<IndexEntry> ready = new ArrayDeque<>();
    private OverflowRow pending;

    OverflowCursor(PagedCursor<OverflowRow> rows, IndexBounds bounds, boolean descending,
                   IndexEntry startAfter, byte[] afterValue) {
      this.rows = rows;
      this.bounds = bounds;
      this.descending = descending;
      this.startAfter = startAfter;
      this.afterValue = afterValue;
      this.order = IndexEntry.scanOrder(descending);
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && (pending != null || rows.hasNext())) {
        readRun();
      }
      return !ready.isEmpty();
    }

    private void readRun() {
      OverflowRow first = pending != null ? pending : rows.next();
      pending = null;
      List<IndexEntry> run = new ArrayList<>();
      check(first, run);
      while (rows.hasNext()) {
        OverflowRow r = rows.next();
        if (!Arrays.equals(r.head(), first.head())) {
          pending = r;
          break;
        }
        check(r, run);
      }
      run.sort(order);
      ready.addAll(run);
    }

    /** Adds the row's entry to {@code run} if its whole value lies within the scan. */
    private void check(OverflowRow r, List<IndexEntry> run) {
      if (r.value() == null) {
        return; // the document lost the field since the entry was read (not one snapshot)
      }
      byte[] encoded = OrderedCode.encode(r.value());
      if (bounds.contains(encoded) && IndexBounds.after(encoded, r.id(), startAfter, afterValue, descending)) {
        run.add(new IndexEntry(r.value(), r.id()));
      }
    }

    @Override
    public IndexEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    @Override
    public void close() {
      rows.close();
      ready.clear();
      pending = null;
    }
  }
}
