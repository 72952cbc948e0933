package io.syntrix.streamer.match;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.DoubleValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hash keys for {@link Value}s whose {@code equals}/{@code hashCode} follow D4 equality
 * ({@code Values.equal}), which the values' own do not: {@code IntegerValue(1)} and
 * {@code DoubleValue(1.0)} are D4-equal but different records, and so are {@code -0.0} and
 * {@code 0.0}.
 *
 * <p>The canonical form: a number whose value is integral and fits a long becomes a {@link Long}
 * ({@code -0.0} becomes {@code 0L}); any other double stays a {@link Double} (it can equal no long,
 * and two such doubles are equal exactly when their bits are); strings are themselves; booleans
 * are {@link Boolean}s; null is a private marker; arrays become lists and maps become hash maps
 * of canonical keys. Objects of different classes are never equal, so type classes cannot
 * collide. A string or small-integer key allocates nothing.
 */
final class ValueKeys {
  /** The key of JSON null: equal only to itself. */
  private static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  private ValueKeys() {}

  static Object of(Value v) {
    return switch (v) {
      case StringValue s -> s.value();
      case IntegerValue i -> i.value();
      case DoubleValue d -> ofDouble(d.value());
      case BooleanValue b -> b.value();
      case NullValue n -> NULL;
      case ArrayValue a -> ofArray(a.elements());
      case MapValue m -> ofMap(m);
    };
  }

  private static Object ofDouble(double x) {
    if (x == Math.rint(x) && x >= -0x1p63 && x < 0x1p63) {
      return (long) x; // exact: integral and in range; -0.0 becomes 0
    }
    return x;
  }

  private static List<Object> ofArray(List<Value> elements) {
    List<Object> out = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      out.add(of(elements.get(i)));
    }
    return out;
  }

  private static Map<String, Object> ofMap(MapValue m) {
    Map<String, Object> out = HashMap.newHashMap(m.size());
    for (Map.Entry<String, Value> e : m.fields().entrySet()) {
      out.put(e.getKey(), of(e.getValue()));
    }
    return out;
  }
}
