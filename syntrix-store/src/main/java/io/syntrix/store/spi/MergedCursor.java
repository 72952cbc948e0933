package io.syntrix.store.spi;

import io.syntrix.store.Cursor;
import java.util.Comparator;
import java.util.NoSuchElementException;

/**
 * Two ordered cursors as one, in {@code order}; they must never hold equal elements (an index
 * scan merged with its overflow entries: one (value, id) is in exactly one of them). Closing
 * closes both, then runs {@code onClose} once.
 */
public final class MergedCursor<T> implements Cursor<T> {
  private final Cursor<T> a;
  private final Cursor<T> b;
  private final Comparator<? super T> order;
  private final Runnable onClose;
  private T headA;
  private T headB;
  private boolean closed;

  public MergedCursor(Cursor<T> a, Cursor<T> b, Comparator<? super T> order, Runnable onClose) {
    this.a = a;
    this.b = b;
    this.order = order;
    this.onClose = onClose;
  }

  @Override
  public boolean hasNext() {
    if (headA == null && a.hasNext()) {
      headA = a.next();
    }
    if (headB == null && b.hasNext()) {
      headB = b.next();
    }
    return headA != null || headB != null;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T out;
    if (headB == null || (headA != null && order.compare(headA, headB) < 0)) {
      out = headA;
      headA = null;
    } else {
      out = headB;
      headB = null;
    }
    return out;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      a.close();
      b.close();
    } finally {
      onClose.run();
    }
  }
}
