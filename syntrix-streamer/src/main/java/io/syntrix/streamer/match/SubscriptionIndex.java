package io.syntrix.streamer.match;

import io.syntrix.model.TypeClass;
import io.syntrix.model.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The presearch index of live subscriptions (D6), per (database, collection):
 * <ul>
 *   <li><b>equality hash</b> field → canonical value ({@link ValueKeys}) → subscriptions, for a
 *       subscription's {@code ==} or {@code in} conjunct ({@code id ==} is just another field);
 *   <li><b>element hash</b> field → canonical element → subscriptions, for {@code array-contains}
 *       and {@code array-contains-any};
 *   <li><b>range maps</b> field → operator → type class → threshold (D4 order) → subscriptions, for
 *       subscriptions whose best conjunct is a bound ({@code score > 10});
 *   <li>the <b>residual</b> list: subscriptions with nothing indexable, evaluated on every change.
 * </ul>
 * Each subscription sits under exactly one conjunct (its {@link Presearch}); an {@code in} or
 * {@code array-contains-any} subscription sits in one bucket per distinct value.
 *
 * <p><b>Cost.</b> Adding and removing are O(1) amortised for hash and residual placements (a
 * hash-map step plus an append or a swap-remove in an array bucket, per key) and O(log n) for
 * range placements (a tree step). Empty buckets, fields and collections are dropped, so memory
 * follows the live subscriptions, not their history.
 *
 * <p><b>Threads.</b> Not thread-safe, and neither is matching against it: the owner serialises
 * add, remove and match (the streamer does so under its match lock). No I/O, no threads.
 */
final class SubscriptionIndex {
  private final boolean rangeIndex;
  private final HashMap<String, HashMap<String, CollectionIndex>> byDatabase = new HashMap<>();
  private int size;

  /** @param rangeIndex whether range conjuncts are indexed; when false they go to the residual list */
  SubscriptionIndex(boolean rangeIndex) {
    this.rangeIndex = rangeIndex;
  }

  int size() {
    return size;
  }

  /** The index of one collection, or null when it has no subscription. */
  CollectionIndex collection(String database, String collection) {
    HashMap<String, CollectionIndex> db = byDatabase.get(database);
    return db == null ? null : db.get(collection);
  }

  Registration add(CompiledSubscription sub, Object attachment) {
    Subscription s = sub.subscription();
    CollectionIndex ci = byDatabase.computeIfAbsent(s.database(), k -> new HashMap<>())
        .computeIfAbsent(s.collection(), k -> new CollectionIndex(s.database(), s.collection()));
    Registration r = new Registration(sub, attachment);
    r.collection = ci;
    Presearch p = sub.presearch();
    switch (p.kind()) {
      case EQUAL -> placeInHash(r, ci.field(p.filter().field()), true);
      case CONTAINS -> placeInHash(r, ci.field(p.filter().field()), false);
      case RANGE -> {
        if (rangeIndex) {
          placeInRange(r, ci.field(p.filter().field()));
        } else {
          placeInResidual(r, ci);
        }
      }
      case NONE -> placeInResidual(r, ci);
    }
    ci.size++;
    size++;
    return r;
  }

  private static void placeInHash(Registration r, FieldIndex f, boolean equality) {
    Map<Object, Bucket> map = equality ? f.equal() : f.contains();
    Object[] keys = r.compiled().keys;
    r.buckets = new Bucket[keys.length];
    r.slots = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      Bucket b = map.get(keys[i]);
      if (b == null) {
        b = new Bucket(keys[i], map);
        map.put(keys[i], b);
      }
      r.buckets[i] = b;
      r.slots[i] = b.add(r);
    }
    placed(r, f);
  }

  private static void placeInRange(Registration r, FieldIndex f) {
    Value threshold = r.compiled().presearch().filter().value();
    TypeClass typeClass = threshold.typeClass();
    TreeMap<Value, Bucket> tree = f.range(r.compiled().presearch().filter().op(), typeClass, true);
    Bucket b = tree.get(threshold);
    if (b == null) {
      b = new Bucket(threshold, tree);
      tree.put(threshold, b);
    }
    r.buckets = new Bucket[] {b};
    r.slots = new int[] {b.add(r)};
    placed(r, f);
  }

  private static void placed(Registration r, FieldIndex f) {
    r.field = f;
    r.exact = r.compiled().presearch().exact();
    // A contains bucket can be reached once per array element, so only equality and range qualify.
    r.direct = r.exact && r.buckets.length == 1 && r.compiled().presearch().kind() != Presearch.Kind.CONTAINS;
    f.placements++;
  }

  private static void placeInResidual(Registration r, CollectionIndex ci) {
    r.residual = true;
    r.buckets = new Bucket[] {ci.residual};
    r.slots = new int[] {ci.residual.add(r)};
  }

  /** Removes a registration this index returned; removing it twice is a no-op. */
  void remove(Registration r) {
    if (r.removed) {
      return;
    }
    r.removed = true;
    for (int i = 0; i < r.buckets.length; i++) {
      r.buckets[i].removeAt(r.slots[i]);
    }
    CollectionIndex ci = r.collection;
    if (r.field != null && --r.field.placements == 0) {
      ci.dropField(r.field);
    }
    size--;
    if (--ci.size == 0) {
      HashMap<String, CollectionIndex> db = byDatabase.get(ci.database);
      db.remove(ci.collection);
      if (db.isEmpty()) {
        byDatabase.remove(ci.database);
      }
    }
  }
}
