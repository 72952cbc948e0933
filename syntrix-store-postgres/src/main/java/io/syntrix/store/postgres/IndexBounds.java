package io.syntrix.store.postgres;

import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.spi.OrderedCode;
import java.util.Arrays;

/**
 * An {@link IndexRange} as a half-open interval {@code [low, high)} of encoded values, which is how
 * the btree is searched ({@code value >= low AND value < high}).
 *
 * <p>OrderedCode encodings are prefix-free, so the encodings greater than {@code e} are exactly
 * those at least {@code e || 00}: an exclusive lower bound {@code v} becomes {@code enc(v) 00}, an
 * inclusive upper bound {@code enc(v) 00}. A missing bound is the edge of the other bound's type
 * class (type bracketing, as RocksDB's key ranges); with both missing the interval is every
 * encoding ({@code [empty, FF)}: every type tag is below FF).
 */
record IndexBounds(byte[] low, byte[] high) {
  private static final byte[] NOTHING = new byte[0];
  private static final byte[] PAST_EVERY_TAG = {(byte) 0xFF};

  static IndexBounds of(IndexRange r) {
    byte[] low;
    if (r.lower() == null) {
      low = r.upper() == null ? NOTHING : new byte[] {OrderedCode.classStart(r.upper().typeClass())};
    } else {
      byte[] e = OrderedCode.encode(r.lower());
      low = r.lowerInclusive() ? e : Arrays.copyOf(e, e.length + 1);
    }
    byte[] high;
    if (r.upper() == null) {
      high = r.lower() == null ? PAST_EVERY_TAG : new byte[] {OrderedCode.classEnd(r.lower().typeClass())};
    } else {
      byte[] e = OrderedCode.encode(r.upper());
      high = r.upperInclusive() ? Arrays.copyOf(e, e.length + 1) : e;
    }
    return new IndexBounds(low, high);
  }

  boolean contains(byte[] encoded) {
    return Arrays.compareUnsigned(encoded, low) >= 0 && Arrays.compareUnsigned(encoded, high) < 0;
  }

  /** Index order of (encoded value, id) pairs: bytes, then id (ids are ASCII, so string order is byte order). */
  static int compare(byte[] a, String aId, byte[] b, String bId) {
    int c = Arrays.compareUnsigned(a, b);
    return c != 0 ? c : aId.compareTo(bId);
  }

  /** True when (encoded, id) lies strictly after {@code position} in scan order (any when null). */
  static boolean after(byte[] encoded, String id, IndexEntry position, byte[] positionEncoded, boolean descending) {
    if (position == null) {
      return true;
    }
    int c = compare(encoded, id, positionEncoded, position.docId());
    return descending ? c < 0 : c > 0;
  }
}
