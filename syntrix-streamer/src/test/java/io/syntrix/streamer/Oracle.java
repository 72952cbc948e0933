package io.syntrix.streamer;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.Filter;
import io.syntrix.model.MapValue;
import java.util.ArrayList;
import java.util.List;

/** Brute force over the whole change log: what a subscription must receive after a seq. */
final class Oracle {
  /** A change with its images flattened once. */
  record Entry(ChangeEvent change, String collection, MapValue before, MapValue after) {}

  private final List<Entry> entries = new ArrayList<>();

  Oracle(List<ChangeEvent> log) {
    for (ChangeEvent c : log) {
      entries.add(new Entry(c, c.path().collection().value(), c.before() == null ? null : c.before().toFlat(),
          c.liveAfter() == null ? null : c.liveAfter().toFlat()));
    }
  }

  static List<RecordingHandler.Hit> expected(List<ChangeEvent> log, String id, String database, String collection,
                                             List<Filter> filters, long afterSeq) {
    return new Oracle(log).expected(id, database, collection, filters, afterSeq);
  }

  List<RecordingHandler.Hit> expected(String id, String database, String collection, List<Filter> filters,
                                      long afterSeq) {
    DocumentPredicate p = DocumentPredicate.compile(filters);
    List<RecordingHandler.Hit> out = new ArrayList<>();
    for (Entry e : entries) {
      ChangeEvent c = e.change();
      if (c.seq() <= afterSeq || !c.database().equals(database) || !e.collection().equals(collection)) {
        continue;
      }
      boolean b = e.before() != null && p.test(e.before());
      boolean a = e.after() != null && p.test(e.after());
      Op op = a ? (b ? Op.UPDATE : Op.CREATE) : (b ? Op.DELETE : null);
      if (op != null) {
        out.add(new RecordingHandler.Hit(id, c.seq(), op));
      }
    }
    return out;
  }
}
