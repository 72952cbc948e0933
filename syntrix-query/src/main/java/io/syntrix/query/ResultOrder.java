package io.syntrix.query;

import io.syntrix.model.FieldPath;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import java.util.Comparator;
import java.util.List;

/**
 * The order of query results (D5): by each {@code orderBy} field in its direction, a missing
 * field sorting as null, then by document id in the direction of the last {@code orderBy} (as
 * Firestore does; ascending when there is none). Ids are unique, so this is a total order, and
 * a page cursor is simply a position in it.
 */
final class ResultOrder implements Comparator<Row> {
  private final FieldPath[] fields;
  private final boolean[] descending;
  private final boolean idDescending;
  private final List<OrderBy> orderBy;

  ResultOrder(List<OrderBy> orderBy) {
    this.orderBy = orderBy;
    this.fields = new FieldPath[orderBy.size()];
    this.descending = new boolean[orderBy.size()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = FieldPath.parse(orderBy.get(i).field());
      descending[i] = orderBy.get(i).direction() == OrderBy.Direction.DESC;
    }
    this.idDescending = fields.length > 0 && descending[fields.length - 1];
  }

  /** The sort values of a flattened document (null for a missing field). */
  Value[] keysOf(MapValue flat) {
    Value[] keys = new Value[fields.length];
    for (int i = 0; i < keys.length; i++) {
      Value v = fields[i].resolve(flat);
      keys[i] = v == null ? NullValue.INSTANCE : v;
    }
    return keys;
  }

  @Override
  public int compare(Row a, Row b) {
    for (int i = 0; i < fields.length; i++) {
      int c = Values.compare(a.keys()[i], b.keys()[i]);
      if (c != 0) {
        return descending[i] ? -c : c;
      }
    }
    int c = Values.compareStrings(a.id(), b.id());
    return idDescending ? -c : c;
  }

  /** Whether {@code row} comes strictly after the cursor position; a document is never after itself. */
  boolean isAfter(Row row, Row cursor) {
    return !row.id().equals(cursor.id()) && compare(row, cursor) > 0;
  }

  boolean isEmpty() {
    return fields.length == 0;
  }

  boolean idDescending() {
    return idDescending;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (OrderBy o : orderBy) {
      b.append(o.field()).append(' ').append(o.direction() == OrderBy.Direction.DESC ? "desc" : "asc").append(", ");
    }
    return b.append("id ").append(idDescending ? "desc" : "asc").toString();
  }
}
