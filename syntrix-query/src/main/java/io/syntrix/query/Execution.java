package io.syntrix.query;

import io.syntrix.model.Document;
import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * One run of a plan: the access path's documents, post-filtered with every filter, kept only
 * after the {@code startAfter} position, ordered as the plan says, cut at the limit.
 *
 * <p>The {@code startAfter} position is a {@link Row}: without orderBy just the id; with orderBy
 * the sort values of the named document, read when the run starts (an unknown document is
 * invalid input). Access paths in result order start right after the position in the store; the
 * position check on every row keeps all plans exact.
 */
final class Execution implements QueryCursor {
  /** Above every valid document id ({@code [a-zA-Z0-9_.-]}): a position after all ids of one value. */
  private static final String AFTER_ALL_IDS = "\uFFFF";

  private final QueryPlan plan;
  private final Reader reader;
  private final DocumentPredicate predicate;
  private final ResultOrder order;
  private final Row cursor;
  private final DocSource source;
  private final Rows rows;
  private final int limit;
  private int returned;
  private Row next;
  private boolean closed;

  Execution(QueryPlan plan, Reader reader, SortLimits sortLimits) {
    this.plan = plan;
    this.reader = reader;
    this.predicate = plan.predicate();
    this.order = plan.order();
    this.limit = plan.query().limit();
    this.cursor = position(plan.query());
    this.source = open(plan.route());
    Rows filtered = this::filtered;
    IntFunction<SortBuffer> buffers = keep -> new SortBuffer(order, keep, sortLimits, () -> plan.sortRefusal(sortLimits));
    this.rows = switch (plan.sortMode()) {
      case NONE -> filtered;
      case TIE_GROUPS -> Rows.sortTieGroups(filtered, limit, buffers);
      case IN_MEMORY -> Rows.sortAll(filtered, limit, buffers);
    };
  }

  private Row position(Query q) {
    String id = q.startAfter();
    if (id == null) {
      return null;
    }
    List<OrderBy> orderBy = q.orderBy();
    if (orderBy.isEmpty()) {
      return new Row(id, new Value[0], null);
    }
    if (orderBy.get(0).field().equals(SystemFields.ID)) { // ids are unique: the id is the whole position
      Value[] keys = new Value[orderBy.size()];
      Arrays.fill(keys, NullValue.INSTANCE);
      keys[0] = new StringValue(id);
      return new Row(id, keys, null);
    }
    Document d = reader.startAfterDocument(id).orElseThrow(() -> new InvalidInputException(
        "startAfter document '" + id + "' does not exist" + (q.showDeleted() ? "" : " or is deleted")
            + "; it must be the last document of the previous page"));
    return new Row(d.id(), order.keysOf(d.toFlat()), null);
  }

  private DocSource open(Route route) {
    boolean idOrder = plan.sortMode() == QueryPlan.Sort.NONE; // result order is id order here, except IndexOrdered
    String after = cursor == null ? null : cursor.id();
    return switch (route) {
      case Route.Empty e -> DocSource.EMPTY;
      case Route.PointGets p -> Sources.pointGets(reader,
          idOrder && after != null ? p.ids().stream().filter(i -> i.compareTo(after) > 0).toList() : p.ids());
      case Route.CollectionScan c -> reader.collection(idOrder ? after : null, c.descending());
      case Route.IndexEquality i -> {
        List<EntryStream> streams = new ArrayList<>();
        for (Value v : i.values()) {
          IndexEntry position = idOrder && after != null ? new IndexEntry(v, after) : null;
          streams.add(reader.index(i.field(), List.of(IndexRange.equalTo(v)), false, position));
        }
        yield Sources.fetch(reader, Sources.mergeById(streams));
      }
      case Route.IndexIds i -> Sources.sortedIds(reader, i.field(), i.ranges(), idOrder ? after : null, i.bound());
      case Route.IndexOrdered i -> ordered(i);
    };
  }

  /**
   * Index order on the first sort field. Without tie groups the position is exactly (value, id);
   * with them the whole run of the position's value is read again (it is re-sorted, and the
   * position check drops what came before).
   */
  private DocSource ordered(Route.IndexOrdered i) {
    boolean groups = plan.sortMode() == QueryPlan.Sort.TIE_GROUPS;
    IndexEntry position = null;
    String missingAfter = null;
    boolean missingNone = false;
    if (cursor != null) {
      Value v = cursor.keys()[0];
      position = new IndexEntry(v, groups ? (i.descending() ? AFTER_ALL_IDS : "") : cursor.id());
      if (v instanceof NullValue) {
        missingAfter = groups ? null : cursor.id();
      } else {
        missingNone = !i.descending(); // ascending: the null run lies before the position
      }
    }
    EntryStream entries = reader.index(i.field(), i.ranges(), i.descending(), position);
    if (!i.withMissing()) {
      return Sources.fetch(reader, entries);
    }
    DocSource missing = missingNone ? DocSource.EMPTY
        : Sources.lacking(reader.collection(missingAfter, i.descending()), i.field());
    return Sources.withMissing(reader, entries, missing, i.descending());
  }

  private Row filtered() {
    for (Document d = source.next(); d != null; d = source.next()) {
      MapValue flat = d.toFlat();
      if (!predicate.test(flat)) {
        continue;
      }
      Row row = new Row(d.id(), order.keysOf(flat), d);
      if (cursor == null || order.isAfter(row, cursor)) {
        return row;
      }
    }
    return null;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !closed) {
      next = limit > 0 && returned >= limit ? null : rows.next();
      if (next == null) {
        close();
      }
    }
    return next != null;
  }

  @Override
  public Document next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Row r = next;
    next = null;
    returned++;
    return r.doc();
  }

  @Override
  public QueryPlan plan() {
    return plan;
  }

  @Override
  public long documentsExamined() {
    return reader.documentsExamined;
  }

  @Override
  public long indexEntriesRead() {
    return plan.probedEntries() + reader.indexEntriesRead;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      source.close();
    }
  }
}
