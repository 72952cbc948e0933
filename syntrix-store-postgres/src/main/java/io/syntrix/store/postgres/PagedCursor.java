package io.syntrix.store.postgres;

import io.syntrix.store.Cursor;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A cursor that reads by keyset pages: each page is one short query that starts strictly after
 * the last element of the previous one, so no connection or transaction is held between pages and
 * a forgotten cursor pins nothing. Each page is a consistent read; the scan as a whole is not one
 * snapshot (a document written between pages is seen in its newest state, or not at all if it
 * moved behind the cursor). Not thread-safe, like every cursor.
 */
final class PagedCursor<T> implements Cursor<T> {
  /** Reads the page after {@code last} (null: the first page), at most {@code limit} elements. */
  interface PageReader<T> {
    List<T> read(T last, int limit) throws SQLException;
  }

  private final PageReader<T> reader;
  private final int pageSize;
  private final String doing;
  private final ArrayDeque<T> page = new ArrayDeque<>();
  private T last;
  private boolean exhausted;

  PagedCursor(PageReader<T> reader, int pageSize, String doing) {
    this.reader = reader;
    this.pageSize = pageSize;
    this.doing = doing;
  }

  @Override
  public boolean hasNext() {
    if (page.isEmpty() && !exhausted) {
      List<T> next;
      try {
        next = reader.read(last, pageSize);
      } catch (SQLException e) {
        throw PgErrors.translate(doing, e);
      }
      exhausted = next.size() < pageSize;
      page.addAll(next);
      if (!next.isEmpty()) {
        last = next.get(next.size() - 1);
      }
    }
    return !page.isEmpty();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return page.poll();
  }

  @Override
  public void close() {
    exhausted = true;
    page.clear();
  }
}
