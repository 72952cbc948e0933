package io.syntrix.store;

import io.syntrix.model.Value;
import io.syntrix.model.Values;
import java.util.Comparator;

/**
 * One single-field index entry: the indexed value and the document id. The value is D4-equal to
 * the stored one ({@code 1.0} may come back as {@code 1}). Also the start-after position of an
 * index scan.
 */
public record IndexEntry(Value value, String docId) {
  /** Ascending scan order: D4 value order, then document id. */
  public static final Comparator<IndexEntry> SCAN_ORDER = (a, b) -> {
    int c = Values.compare(a.value(), b.value());
    return c != 0 ? c : a.docId().compareTo(b.docId());
  };

  /** The order of a scan in either direction. */
  public static Comparator<IndexEntry> scanOrder(boolean descending) {
    return descending ? SCAN_ORDER.reversed() : SCAN_ORDER;
  }
}
