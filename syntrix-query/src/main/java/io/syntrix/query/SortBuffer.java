package io.syntrix.query;

import io.syntrix.model.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * The rows an in-memory sort holds: all of them ({@code keep == 0}), or only the first
 * {@code keep} in result order (a max-heap that evicts the last row when a better one comes).
 * Every row held is charged to the query's {@link SortLimits}; one past them refuses the query
 * with the message {@code refusal} gives (an {@link InvalidInputException}: a 400 when nothing was sent yet).
 * Not thread-safe; one per sort (or per run of equal first values).
 */
final class SortBuffer {
  private final ResultOrder order;
  private final int keep;
  private final SortLimits limits;
  private final Supplier<String> refusal;
  private final List<Row> all = new ArrayList<>();
  private final PriorityQueue<Row> heap;
  private long bytes;

  SortBuffer(ResultOrder order, int keep, SortLimits limits, Supplier<String> refusal) {
    this.order = order;
    this.keep = keep;
    this.limits = limits;
    this.refusal = refusal;
    this.heap = keep > 0 ? new PriorityQueue<>(Math.min(keep, 1024) + 1, order.reversed()) : null;
  }

  void add(Row r) {
    if (heap == null) {
      charge(r);
      all.add(r);
    } else if (heap.size() < keep) {
      charge(r);
      heap.add(r);
    } else if (order.compare(r, heap.peek()) < 0) {
      bytes -= ApproxSize.of(heap.poll().doc());
      charge(r);
      heap.add(r);
    }
  }

  private void charge(Row r) {
    bytes += ApproxSize.of(r.doc());
    int held = (heap == null ? all.size() : heap.size()) + 1;
    if (held > limits.maxDocuments() || bytes > limits.maxBytes()) {
      throw new InvalidInputException(refusal.get());
    }
  }

  /** The rows held, in result order; the buffer is spent. */
  List<Row> sorted() {
    List<Row> rows = heap == null ? all : new ArrayList<>(heap);
    rows.sort(order);
    return rows;
  }
}
