package io.syntrix.store.spi;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.Documents;
import io.syntrix.model.Filter;
import io.syntrix.model.MapValue;
import io.syntrix.store.StoreException;
import io.syntrix.store.Write;
import java.util.List;

/**
 * The semantics of each write as a pure function of the stored document and the commit time.
 * Throws the store error a write fails with; computes nothing it would have to undo.
 */
public final class WriteApplier {
  /** The outcome: the operation the change log records, the live document before, the document after. */
  public record Applied(Op op, Document before, Document after) {}

  private WriteApplier() {}

  /** @param current the stored document, a tombstone, or null */
  public static Applied apply(Write write, Document current, long now) {
    Document live = current == null || current.deleted() ? null : current;
    return switch (write) {
      case Write.Judged j -> {
        long stored = live == null ? 0 : live.version();
        if (stored != j.version()) {
          throw StoreException.changed(j.database(), j.path(), j.version(), stored);
        }
        yield apply(j.write(), current, now);
      }
      case Write.Create c -> {
        if (live != null) {
          throw StoreException.alreadyExists(c.database(), c.path());
        }
        yield created(c, c.data(), now);
      }
      case Write.Replace r -> {
        if (live == null) {
          if (!r.ifMatch().isEmpty()) {
            throw StoreException.preconditionFailed(r.database(), r.path());
          }
          yield created(r, r.data(), now);
        }
        checkIfMatch(r, r.ifMatch(), live);
        yield updated(live, r.data(), now);
      }
      case Write.Patch p -> {
        requireLive(p, live);
        checkIfMatch(p, p.ifMatch(), live);
        MapValue merged = MapValue.builder().putAll(live.data()).putAll(p.data()).build();
        yield updated(live, Documents.clientData(merged, live.id()), now);
      }
      case Write.Delete d -> {
        requireLive(d, live);
        checkIfMatch(d, d.ifMatch(), live);
        Document tombstone = new Document(live.path(), MapValue.EMPTY, live.version() + 1, live.createdAt(),
            Math.max(now, live.updatedAt()), true);
        yield new Applied(Op.DELETE, live, tombstone);
      }
    };
  }

  private static Applied created(Write w, MapValue data, long now) {
    return new Applied(Op.CREATE, null, new Document(w.path(), data, 1, now, now, false));
  }

  private static Applied updated(Document live, MapValue data, long now) {
    Document after = new Document(live.path(), data, live.version() + 1, live.createdAt(),
        Math.max(now, live.updatedAt()), false);
    return new Applied(Op.UPDATE, live, after);
  }

  private static void requireLive(Write w, Document live) {
    if (live == null) {
      throw StoreException.notFound(w.database(), w.path());
    }
  }

  private static void checkIfMatch(Write w, List<Filter> ifMatch, Document live) {
    if (!ifMatch.isEmpty() && !DocumentPredicate.compile(ifMatch).test(live.toFlat())) {
      throw StoreException.preconditionFailed(w.database(), w.path());
    }
  }
}
