package io.syntrix.query;

import io.syntrix.model.Values;
import java.util.ArrayDeque;
import java.util.function.IntFunction;

/**
 * A pull stream of result rows; {@link #next} returns null at the end. The ordering stages live
 * here; they hold rows only in a {@link SortBuffer} made by {@code buffers} (the argument is how
 * many rows to keep, 0 for all), which bounds them.
 */
interface Rows {
  Row next();

  /**
   * Rows in order of the first sort value already; each run of equal first values is buffered
   * and sorted by the full order. With {@code limit > 0} a run keeps only the rows the limit can
   * still return, so memory is the smaller of the largest run and the limit.
   */
  static Rows sortTieGroups(Rows upstream, int limit, IntFunction<SortBuffer> buffers) {
    return new Rows() {
      private final ArrayDeque<Row> ready = new ArrayDeque<>();
      private Row pending;
      private int returned;

      @Override
      public Row next() {
        if (ready.isEmpty()) {
          Row first = pending != null ? pending : upstream.next();
          pending = null;
          if (first == null) {
            return null;
          }
          SortBuffer run = buffers.apply(limit > 0 ? Math.max(1, limit - returned) : 0);
          run.add(first);
          for (Row r = upstream.next(); r != null; r = upstream.next()) {
            if (!Values.equal(r.keys()[0], first.keys()[0])) {
              pending = r;
              break;
            }
            run.add(r);
          }
          ready.addAll(run.sorted());
        }
        returned++;
        return ready.poll();
      }
    };
  }

  /**
   * Every row sorted in memory on the first pull; with {@code limit > 0} only the first
   * {@code limit} rows are kept (a bounded max-heap), otherwise all of them.
   */
  static Rows sortAll(Rows upstream, int limit, IntFunction<SortBuffer> buffers) {
    return new Rows() {
      private ArrayDeque<Row> sorted;

      @Override
      public Row next() {
        if (sorted == null) {
          SortBuffer buffer = buffers.apply(limit);
          for (Row r = upstream.next(); r != null; r = upstream.next()) {
            buffer.add(r);
          }
          sorted = new ArrayDeque<>(buffer.sorted());
        }
        return sorted.poll();
      }
    };
  }
}
