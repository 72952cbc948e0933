package io.syntrix.query;

import io.syntrix.model.Values;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** A pull stream of result rows; {@link #next} returns null at the end. The ordering stages live here. */
interface Rows {
  Row next();

  /**
   * Rows in order of the first sort value already; each run of equal first values is buffered
   * and sorted by the full order. Memory: the largest run.
   */
  static Rows sortTieGroups(Rows upstream, ResultOrder order) {
    return new Rows() {
      private final ArrayDeque<Row> ready = new ArrayDeque<>();
      private Row pending;

      @Override
      public Row next() {
        if (ready.isEmpty()) {
          Row first = pending != null ? pending : upstream.next();
          pending = null;
          if (first == null) {
            return null;
          }
          List<Row> run = new ArrayList<>();
          run.add(first);
          for (Row r = upstream.next(); r != null; r = upstream.next()) {
            if (!Values.equal(r.keys()[0], first.keys()[0])) {
              pending = r;
              break;
            }
            run.add(r);
          }
          if (run.size() > 1) {
            run.sort(order);
          }
          ready.addAll(run);
        }
        return ready.poll();
      }
    };
  }

  /**
   * Every row sorted in memory on the first pull; with {@code limit > 0} only the first
   * {@code limit} rows are kept (a bounded max-heap), otherwise all of them.
   */
  static Rows sortAll(Rows upstream, ResultOrder order, int limit) {
    return new Rows() {
      private ArrayDeque<Row> sorted;

      @Override
      public Row next() {
        if (sorted == null) {
          sorted = new ArrayDeque<>(limit > 0 ? topK() : all());
        }
        return sorted.poll();
      }

      private List<Row> all() {
        List<Row> rows = new ArrayList<>();
        for (Row r = upstream.next(); r != null; r = upstream.next()) {
          rows.add(r);
        }
        rows.sort(order);
        return rows;
      }

      private List<Row> topK() {
        PriorityQueue<Row> heap = new PriorityQueue<>(Math.min(limit, 1024) + 1, order.reversed());
        for (Row r = upstream.next(); r != null; r = upstream.next()) {
          if (heap.size() < limit) {
            heap.add(r);
          } else if (order.compare(r, heap.peek()) < 0) {
            heap.poll();
            heap.add(r);
          }
        }
        List<Row> rows = new ArrayList<>(heap);
        rows.sort(order);
        return rows;
      }
    };
  }
}
