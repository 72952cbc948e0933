package io.syntrix.streamer.match;

import io.syntrix.model.FieldPath;
import io.syntrix.model.FilterOp;
import io.syntrix.model.TypeClass;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import java.util.HashMap;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Everything one collection indexes on one field path: the equality hash (for {@code ==} and
 * {@code in}), the element hash (for {@code array-contains} and {@code array-contains-any}) and one
 * ordered map of thresholds per range operator and type class. The structures are created on
 * first use; {@link #placements} counts the registrations using any of them so the field can be
 * dropped when the last one leaves.
 */
final class FieldIndex {
  private static final int TYPE_CLASSES = TypeClass.values().length;

  final FieldPath path;
  HashMap<Object, Bucket> equal;
  HashMap<Object, Bucket> contains;
  /** [rangeSlot(op) * TYPE_CLASSES + typeClass] → threshold (D4 order) → registrations. */
  TreeMap<Value, Bucket>[] ranges;
  int placements;

  FieldIndex(FieldPath path) {
    this.path = path;
  }

  HashMap<Object, Bucket> equal() {
    if (equal == null) {
      equal = new HashMap<>();
    }
    return equal;
  }

  HashMap<Object, Bucket> contains() {
    if (contains == null) {
      contains = new HashMap<>();
    }
    return contains;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  TreeMap<Value, Bucket> range(FilterOp op, TypeClass typeClass, boolean create) {
    if (ranges == null) {
      if (!create) {
        return null;
      }
      ranges = new TreeMap[4 * TYPE_CLASSES];
    }
    int i = rangeSlot(op) * TYPE_CLASSES + typeClass.ordinal();
    if (ranges[i] == null && create) {
      ranges[i] = new TreeMap<>(Values::compare);
    }
    return ranges[i];
  }

  /**
   * The thresholds that a field value {@code v} satisfies for {@code op}: {@code field > c} holds
   * for every {@code c < v}, {@code field >= c} for {@code c <= v}, {@code field < c} for
   * {@code c > v}, {@code field <= c} for {@code c >= v}; only thresholds of {@code v}'s type
   * class (the tree is per class), which is exactly D4's type bracketing.
   */
  NavigableMap<Value, Bucket> satisfiedBy(FilterOp op, Value v) {
    TreeMap<Value, Bucket> tree = range(op, v.typeClass(), false);
    if (tree == null || tree.isEmpty()) {
      return null;
    }
    return switch (op) {
      case GT -> tree.headMap(v, false);
      case GTE -> tree.headMap(v, true);
      case LT -> tree.tailMap(v, false);
      case LTE -> tree.tailMap(v, true);
      default -> throw new IllegalArgumentException("not a range operator: " + op);
    };
  }

  static final FilterOp[] RANGE_OPS = {FilterOp.GT, FilterOp.GTE, FilterOp.LT, FilterOp.LTE};
  static final int GT = 0;
  static final int GTE = 1;
  static final int LT = 2;
  static final int LTE = 3;

  /** The map of {@code slot} (GT, GTE, LT, LTE) and {@code typeClass}, or null. */
  TreeMap<Value, Bucket> tree(int slot, TypeClass typeClass) {
    return ranges[slot * TYPE_CLASSES + typeClass.ordinal()];
  }

  private static int rangeSlot(FilterOp op) {
    return switch (op) {
      case GT -> GT;
      case GTE -> GTE;
      case LT -> LT;
      case LTE -> LTE;
      default -> throw new IllegalArgumentException("not a range operator: " + op);
    };
  }
}
