package io.syntrix.query;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.Document;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.util.Map;

/**
 * A rough heap size of a document, for the sort budget: object headers and references counted
 * at a flat rate, strings at two bytes a character. It errs on the high side; it only has to
 * tell a thousand small documents from a thousand megabyte-sized ones.
 */
final class ApproxSize {
  private static final int OBJECT = 32;

  private ApproxSize() {}

  static long of(Document d) {
    return 3L * OBJECT + 2L * d.path().value().length() + of(d.data());
  }

  private static long of(Value v) {
    return switch (v) {
      case StringValue s -> OBJECT + 2L * s.value().length();
      case ArrayValue a -> {
        long n = OBJECT + 8L * a.elements().size();
        for (Value e : a.elements()) {
          n += of(e);
        }
        yield n;
      }
      case MapValue m -> {
        long n = OBJECT;
        for (Map.Entry<String, Value> e : m.fields().entrySet()) {
          n += OBJECT + 2L * e.getKey().length() + of(e.getValue());
        }
        yield n;
      }
      default -> OBJECT;
    };
  }
}
