package io.syntrix.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The D4 total order and equality of {@link Value}s, in one place.
 *
 * <p>Order across type classes: null &lt; booleans &lt; numbers &lt; strings &lt; arrays &lt; maps.
 * Within numbers, integers and doubles compare by exact numeric value ({@code 1 == 1.0},
 * {@code 2^53 + 1 > 2^53 as double}); {@code -0.0 == 0.0}. Strings compare by Unicode code point
 * (which is also UTF-8 byte order, so index keys agree). Arrays compare element by element, then
 * by length. Maps compare as their entries sorted by key (key, then value), then by size.
 *
 * <p>Nothing here allocates except map ordering, which sorts the keys.
 */
public final class Values {
  private Values() {}

  /** Total order over all values (the sort order of {@code orderBy}). */
  public static int compare(Value a, Value b) {
    int byClass = a.typeClass().compareTo(b.typeClass());
    if (byClass != 0) {
      return byClass;
    }
    return switch (a) {
      case NullValue n -> 0;
      case BooleanValue x -> Boolean.compare(x.value(), ((BooleanValue) b).value());
      case IntegerValue x -> compareNumber(x.value(), b);
      case DoubleValue x -> -compareNumber(b, x.value());
      case StringValue x -> compareStrings(x.value(), ((StringValue) b).value());
      case ArrayValue x -> compareArrays(x.elements(), ((ArrayValue) b).elements());
      case MapValue x -> compareMaps(x, (MapValue) b);
    };
  }

  /** D4 equality: same type class and equal under {@link #compare}; cheaper than compare for maps. */
  public static boolean equal(Value a, Value b) {
    if (a.typeClass() != b.typeClass()) {
      return false;
    }
    return switch (a) {
      case NullValue n -> true;
      case BooleanValue x -> x.value() == ((BooleanValue) b).value();
      case IntegerValue x -> compareNumber(x.value(), b) == 0;
      case DoubleValue x -> compareNumber(b, x.value()) == 0;
      case StringValue x -> x.value().equals(((StringValue) b).value());
      case ArrayValue x -> equalArrays(x.elements(), ((ArrayValue) b).elements());
      case MapValue x -> equalMaps(x, (MapValue) b);
    };
  }

  private static int compareNumber(long a, Value b) {
    return b instanceof IntegerValue i ? Long.compare(a, i.value()) : compareLongDouble(a, ((DoubleValue) b).value());
  }

  private static int compareNumber(Value a, double b) {
    if (a instanceof DoubleValue d) {
      double x = d.value();
      return x < b ? -1 : (x > b ? 1 : 0); // finite values only; -0.0 == 0.0
    }
    return compareLongDouble(((IntegerValue) a).value(), b);
  }

  /** Exact comparison of a long with a finite double, without rounding the long. */
  static int compareLongDouble(long l, double d) {
    if (d < -0x1p63) {
      return 1;
    }
    if (d >= 0x1p63) {
      return -1;
    }
    long truncated = (long) d; // exact: |d| < 2^63
    int c = Long.compare(l, truncated);
    if (c != 0) {
      return c;
    }
    double fraction = d - truncated; // exact
    return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0);
  }

  /** Compares by Unicode code point rather than UTF-16 unit, so supplementary characters sort last. */
  public static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE) {
          x = fixupForCodePointOrder(x);
          y = fixupForCodePointOrder(y);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  /** Moves surrogates above U+E000..U+FFFF so that UTF-16 order becomes code point order. */
  private static char fixupForCodePointOrder(char c) {
    return (char) (c >= 0xE000 ? c - 0x800 : c + 0x2000);
  }

  private static int compareArrays(List<Value> a, List<Value> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static boolean equalArrays(List<Value> a, List<Value> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!equal(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static int compareMaps(MapValue a, MapValue b) {
    List<String> ka = sortedKeys(a);
    List<String> kb = sortedKeys(b);
    int n = Math.min(ka.size(), kb.size());
    for (int i = 0; i < n; i++) {
      int c = compareStrings(ka.get(i), kb.get(i));
      if (c != 0) {
        return c;
      }
      c = compare(a.get(ka.get(i)), b.get(kb.get(i)));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(ka.size(), kb.size());
  }

  private static List<String> sortedKeys(MapValue m) {
    List<String> keys = new ArrayList<>(m.fields().keySet());
    Collections.sort(keys, Values::compareStrings);
    return keys;
  }

  private static boolean equalMaps(MapValue a, MapValue b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<String, Value> e : a.fields().entrySet()) {
      Value other = b.get(e.getKey());
      if (other == null || !equal(e.getValue(), other)) {
        return false;
      }
    }
    return true;
  }
}
