package io.syntrix.query;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.DoubleValue;
import io.syntrix.model.Filter;
import io.syntrix.model.FilterOp;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.TypeClass;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import io.syntrix.store.IndexRange;
import java.util.ArrayList;
import java.util.List;

/**
 * What the filters on one field leave possible for its value, derived exactly from D4: the
 * candidate values when an {@code ==} or {@code in} is present (each candidate passes every filter
 * on the field), else the tightest range, else the one type class the filters demand. Any filter
 * means the field must be present. {@link #empty()} is true when no value can pass them all.
 *
 * <p>A filter on a nested path {@code a.b} demands that {@code a} be a map; the planner adds that
 * as a {@link #requireClass class constraint} on {@code a}.
 */
final class FieldConstraint {
  private final String field;
  private final List<Filter> filters = new ArrayList<>();
  private List<Value> candidates; // null: no == / in on the field
  private Value lower;
  private boolean lowerInclusive;
  private Value upper;
  private boolean upperInclusive;
  private TypeClass typeClass; // the class every filter demands, null when none does
  private boolean empty;

  FieldConstraint(String field) {
    this.field = field;
  }

  String field() {
    return field;
  }

  void add(Filter f) {
    filters.add(f);
    Value v = f.value();
    switch (f.op()) {
      case EQ -> candidates = candidates == null ? List.of(v) : candidates;
      case IN -> candidates = candidates == null ? ((ArrayValue) v).elements() : candidates;
      case GT, GTE -> tightenLower(v, f.op() == FilterOp.GTE);
      case LT, LTE -> tightenUpper(v, f.op() == FilterOp.LTE);
      case NE -> requireClass(v.typeClass());
      case NOT_IN -> ((ArrayValue) v).elements().forEach(x -> requireClass(x.typeClass()));
      case ARRAY_CONTAINS, ARRAY_CONTAINS_ANY -> requireClass(TypeClass.ARRAY);
    }
    if ((f.op() == FilterOp.NE || f.op() == FilterOp.NOT_IN)
        && typeClass == TypeClass.NULL) {
      empty = true; // "!= null" needs a null that is not null
    }
  }

  void requireClass(TypeClass c) {
    if (typeClass != null && typeClass != c) {
      empty = true;
    }
    typeClass = c;
  }

  private void tightenLower(Value v, boolean inclusive) {
    requireClass(v.typeClass());
    int c = lower == null ? 1 : Values.compare(v, lower);
    if (c > 0 || (c == 0 && !inclusive)) {
      lower = v;
      lowerInclusive = inclusive;
    }
  }

  private void tightenUpper(Value v, boolean inclusive) {
    requireClass(v.typeClass());
    int c = upper == null ? -1 : Values.compare(v, upper);
    if (c < 0 || (c == 0 && !inclusive)) {
      upper = v;
      upperInclusive = inclusive;
    }
  }

  /** Called once every filter is in: prunes the candidates and checks the bounds. */
  FieldConstraint finish() {
    if (candidates != null) {
      List<Value> kept = new ArrayList<>();
      for (Value v : candidates) {
        if ((typeClass == null || v.typeClass() == typeClass) && passesAll(v) && !containsEqual(kept, v)) {
          kept.add(v);
        }
      }
      kept.sort(Values::compare);
      candidates = List.copyOf(kept);
      empty |= candidates.isEmpty();
    }
    if (lower != null && upper != null) {
      int c = Values.compare(lower, upper);
      empty |= c > 0 || (c == 0 && !(lowerInclusive && upperInclusive));
    }
    return this;
  }

  private boolean passesAll(Value v) {
    for (Filter f : filters) {
      if (!f.test(v)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsEqual(List<Value> values, Value v) {
    for (Value x : values) {
      if (Values.equal(x, v)) {
        return true;
      }
    }
    return false;
  }

  boolean empty() {
    return empty;
  }

  boolean hasEquality() {
    return candidates != null;
  }

  /** The equality candidates, distinct and in ascending order; null when there is no {@code ==}/{@code in}. */
  List<Value> candidates() {
    return candidates;
  }

  /** String candidates only (the values an {@code id} can take). */
  List<String> stringCandidates() {
    List<String> out = new ArrayList<>();
    for (Value v : candidates) {
      if (v instanceof StringValue s) {
        out.add(s.value());
      }
    }
    return out;
  }

  /**
   * The index ranges holding every value the filters allow, in ascending value order: one
   * equality range per candidate, else the bounds, else the demanded class.
   */
  List<IndexRange> ranges() {
    if (candidates != null) {
      return candidates.stream().map(IndexRange::equalTo).toList();
    }
    if (lower != null || upper != null) {
      return List.of(new IndexRange(lower, lowerInclusive || lower == null, upper, upperInclusive || upper == null));
    }
    return List.of(classRange(typeClass));
  }

  /** Every indexed value of one type class: from the class's least value up to its end. */
  static IndexRange classRange(TypeClass c) {
    return switch (c) {
      case NULL -> IndexRange.equalTo(Value.nullValue());
      case BOOLEAN -> IndexRange.atLeast(Value.of(false));
      case NUMBER -> IndexRange.atLeast(new DoubleValue(-Double.MAX_VALUE));
      case STRING -> IndexRange.atLeast(Value.of(""));
      case ARRAY -> IndexRange.atLeast(ArrayValue.EMPTY);
      case MAP -> IndexRange.atLeast(MapValue.EMPTY);
    };
  }
}
