package io.syntrix.streamer;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.Document;
import io.syntrix.model.DoubleValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.util.Map;

/**
 * What a queued {@link Event} costs a stream's byte budget (D12): an estimate of the heap its
 * before and after documents keep reachable, computed once per change and charged to every
 * gateway queue that holds a delivery of it (each gateway's budget is what <em>it</em> keeps
 * alive, even though the event is shared).
 *
 * <p>The figures are 64-bit JVM sizes with compressed references: an object header and its
 * fields, rounded up; a string's characters at one byte each (compact Latin-1 strings; other text
 * takes twice that, so the estimate is low by up to half for it); booleans and null are shared
 * constants and cost only their reference. It is within a small factor of a heap dump, and above
 * the compact JSON size for ordinary documents. What matters is that it grows with the documents:
 * a few large documents fill the budget as surely as many small ones.
 *
 * <p>Why not the encoded change-log entry: the {@code ChangeLog} SPI hands over decoded events
 * only, and the decoded form is what the queue actually holds. Cost: one walk of each image, on
 * the puller thread, only for changes that matched some gateway.
 */
final class EventSize {
  private static final long EVENT = 48 + 3 * 40;   // the record and its database, collection, id strings
  private static final long DOCUMENT = 48 + 16 + 40; // the record, its DocumentPath and the path string
  private static final long STRING = 16 + 40;        // StringValue + String + byte[] headers
  private static final long NUMBER = 24;
  private static final long MAP = 16 + 16 + 64 + 16; // MapValue, unmodifiable view, LinkedHashMap, table
  private static final long ENTRY = 40 + 8 + 40;     // LinkedHashMap.Entry, table slot, key String + byte[]
  private static final long ARRAY = 16 + 16 + 16;    // ArrayValue, List, Object[]
  private static final long REFERENCE = 4;

  private EventSize() {}

  static long of(Event event) {
    return EVENT + event.database().length() + event.collection().length() + event.documentId().length()
        + of(event.before()) + of(event.after());
  }

  static long of(Document d) {
    return d == null ? 0 : DOCUMENT + d.path().value().length() + of(d.data());
  }

  static long of(Value v) {
    return switch (v) {
      case StringValue s -> STRING + s.value().length();
      case IntegerValue i -> NUMBER;
      case DoubleValue d -> NUMBER;
      case BooleanValue b -> 0;
      case NullValue n -> 0;
      case MapValue m -> {
        long size = MAP;
        for (Map.Entry<String, Value> e : m.fields().entrySet()) {
          size += ENTRY + e.getKey().length() + of(e.getValue());
        }
        yield size;
      }
      case ArrayValue a -> {
        long size = ARRAY;
        for (Value e : a.elements()) {
          size += REFERENCE + of(e);
        }
        yield size;
      }
    };
  }
}
