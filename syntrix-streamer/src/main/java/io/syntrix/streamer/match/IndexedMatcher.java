package io.syntrix.streamer.match;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.FilterOp;
import io.syntrix.model.MapValue;
import io.syntrix.model.TypeClass;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Presearch + exact confirm over a {@link SubscriptionIndex} (the design of Lucene's monitor).
 *
 * <p><b>Model.</b> For one change of a document in (database, collection), with flattened before
 * image B and after image A (either may be absent):
 * <ol>
 *   <li>for each field the collection indexes, resolve the field in B and in A (once each) and
 *       look the values up: the equality hash by the value's canonical key, the element hash by each
 *       element's key when the value is an array, the range maps by a head or tail view at the
 *       value. Every registration found is <em>touched</em> once per change (an epoch stamp
 *       deduplicates the hits of several keys or both images) and remembers which image(s) hit it;
 *   <li>classify each touched registration. Presearch is complete: a document satisfying a
 *       subscription satisfies its presearch conjunct and is therefore found by that image's
 *       lookup. So an image that did not hit cannot match; an image that hit matches outright when
 *       the conjunct is the whole predicate ({@code exact}), and otherwise after the D4 predicate
 *       confirms it;
 *   <li>evaluate every residual registration on both images.
 * </ol>
 * after only → CREATE, both → UPDATE, before only → DELETE.
 *
 * <p><b>Invariants.</b> The result equals evaluating every subscription of the collection with
 * the D4 evaluator on both images ({@link LinearMatcher}); {@code MatcherDifferentialTest} checks
 * that on random subscriptions and changes. Hash keys follow D4 equality ({@link ValueKeys});
 * range maps are per type class and ordered by {@code Values.compare}, which is D4's bracketing.
 *
 * <p><b>Cost per change.</b> One map lookup per indexed field per image, plus the hits, plus the
 * residual list; nothing proportional to the number of subscriptions. Matching allocates nothing
 * for string and small-integer keys except range-view iterators.
 *
 * <p><b>Threads.</b> One thread at a time (the streamer's puller, under the match lock).
 */
final class IndexedMatcher implements Matcher {
  private static final int BEFORE = 1;
  private static final int AFTER = 2;
  private static final int BOTH = BEFORE | AFTER;

  private final SubscriptionIndex index;
  private long epoch;
  private Registration[] touched = new Registration[64];
  private int touchedCount;
  // The match in progress.
  private MatchSink sink;
  private int matched;

  IndexedMatcher(SubscriptionIndex index) {
    this.index = index;
  }

  @Override
  public Registration add(CompiledSubscription subscription, Object attachment) {
    return index.add(subscription, attachment);
  }

  @Override
  public void remove(Registration registration) {
    index.remove(registration);
  }

  @Override
  public int size() {
    return index.size();
  }

  @Override
  public int match(String database, String collection, MapValue before, MapValue after, MatchSink sink) {
    CollectionIndex ci = index.collection(database, collection);
    if (ci == null || (before == null && after == null)) {
      return 0;
    }
    this.sink = sink;
    this.matched = 0;
    epoch++;
    touchedCount = 0;
    try {
      for (FieldIndex f : ci.fields) {
        Value vb = before == null ? null : f.path.resolve(before);
        Value va = after == null ? null : f.path.resolve(after);
        if (vb != null || va != null) {
          lookUp(f, vb, va);
        }
      }
      classifyTouched(before, after);
      matchResidual(ci.residual, before, after);
      return matched;
    } finally {
      this.sink = null;
    }
  }

  private void lookUp(FieldIndex f, Value vb, Value va) {
    if (f.equal != null) {
      lookUpEqual(f.equal, vb, va);
    }
    if (f.contains != null) {
      lookUpElements(f.contains, vb, BEFORE);
      lookUpElements(f.contains, va, AFTER);
    }
    if (f.ranges != null) {
      lookUpRanges(f, vb, va);
    }
  }

  private void lookUpEqual(HashMap<Object, Bucket> map, Value vb, Value va) {
    Object kb = vb == null ? null : ValueKeys.of(vb);
    Object ka = va == null ? null : ValueKeys.of(va);
    if (kb != null && kb.equals(ka)) {
      visit(map.get(kb), BOTH); // unchanged field: one lookup
      return;
    }
    if (kb != null) {
      visit(map.get(kb), BEFORE);
    }
    if (ka != null) {
      visit(map.get(ka), AFTER);
    }
  }

  private void lookUpElements(HashMap<Object, Bucket> map, Value v, int image) {
    if (v instanceof ArrayValue a) {
      List<Value> elements = a.elements();
      for (int i = 0; i < elements.size(); i++) {
        visit(map.get(ValueKeys.of(elements.get(i))), image);
      }
    }
  }

  /**
   * With both images of one type class, each map is walked once: thresholds both images satisfy,
   * then the slice between them that only one satisfies ({@code field > x} holds for the larger
   * image when {@code min <= x < max}, {@code field < x} for the smaller when {@code min < x <= max}).
   */
  private void lookUpRanges(FieldIndex f, Value vb, Value va) {
    if (vb == null || va == null || vb.typeClass() != va.typeClass()) {
      if (vb != null) {
        lookUpRanges(f, vb, BEFORE);
      }
      if (va != null) {
        lookUpRanges(f, va, AFTER);
      }
      return;
    }
    TypeClass tc = vb.typeClass();
    int c = Values.compare(vb, va);
    Value min = c <= 0 ? vb : va;
    Value max = c <= 0 ? va : vb;
    int minImage = c <= 0 ? BEFORE : AFTER;
    int maxImage = BOTH ^ minImage;
    TreeMap<Value, Bucket> t = f.tree(FieldIndex.GT, tc);
    if (t != null && !t.isEmpty()) {
      visitAll(t.headMap(min, false), BOTH);
      if (c != 0) {
        visitAll(t.subMap(min, true, max, false), maxImage);
      }
    }
    t = f.tree(FieldIndex.GTE, tc);
    if (t != null && !t.isEmpty()) {
      visitAll(t.headMap(min, true), BOTH);
      if (c != 0) {
        visitAll(t.subMap(min, false, max, true), maxImage);
      }
    }
    t = f.tree(FieldIndex.LT, tc);
    if (t != null && !t.isEmpty()) {
      visitAll(t.tailMap(max, false), BOTH);
      if (c != 0) {
        visitAll(t.subMap(min, false, max, true), minImage);
      }
    }
    t = f.tree(FieldIndex.LTE, tc);
    if (t != null && !t.isEmpty()) {
      visitAll(t.tailMap(max, true), BOTH);
      if (c != 0) {
        visitAll(t.subMap(min, true, max, false), minImage);
      }
    }
  }

  /** One image: the thresholds {@code v} satisfies, per operator. */
  private void lookUpRanges(FieldIndex f, Value v, int image) {
    for (FilterOp op : FieldIndex.RANGE_OPS) {
      NavigableMap<Value, Bucket> hits = f.satisfiedBy(op, v);
      if (hits != null) {
        visitAll(hits, image);
      }
    }
  }

  private void visitAll(NavigableMap<Value, Bucket> buckets, int images) {
    for (Bucket b : buckets.values()) {
      visit(b, images);
    }
  }

  /** Reports direct registrations at once; touches the others for {@link #classifyTouched}. */
  private void visit(Bucket b, int images) {
    if (b == null) {
      return;
    }
    Registration[] items = b.items;
    for (int i = 0, n = b.size; i < n; i++) {
      Registration r = items[i];
      if (r.direct) {
        report(r, classify((images & BEFORE) != 0, (images & AFTER) != 0));
      } else if (r.mark != epoch) {
        r.mark = epoch;
        r.flags = images;
        if (touchedCount == touched.length) {
          touched = Arrays.copyOf(touched, touchedCount * 2);
        }
        touched[touchedCount++] = r;
      } else {
        r.flags |= images;
      }
    }
  }

  private void classifyTouched(MapValue before, MapValue after) {
    for (int i = 0; i < touchedCount; i++) {
      Registration r = touched[i];
      touched[i] = null;
      boolean b = (r.flags & BEFORE) != 0;
      boolean a = (r.flags & AFTER) != 0;
      if (!r.exact) {
        b = b && r.compiled().test(before);
        a = a && r.compiled().test(after);
      }
      report(r, classify(b, a));
    }
    touchedCount = 0;
  }

  private void matchResidual(Bucket residual, MapValue before, MapValue after) {
    Registration[] items = residual.items;
    for (int i = 0, n = residual.size; i < n; i++) {
      Registration r = items[i];
      report(r, classify(before != null && r.compiled().test(before), after != null && r.compiled().test(after)));
    }
  }

  private void report(Registration r, Op op) {
    if (op != null) {
      sink.matched(r, op);
      matched++;
    }
  }

  /** after only → CREATE, both → UPDATE, before only → DELETE, neither → null. */
  static Op classify(boolean before, boolean after) {
    if (after) {
      return before ? Op.UPDATE : Op.CREATE;
    }
    return before ? Op.DELETE : null;
  }
}
