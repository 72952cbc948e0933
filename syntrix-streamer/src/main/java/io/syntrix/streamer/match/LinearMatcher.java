package io.syntrix.streamer.match;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.MapValue;
import java.util.HashMap;

/**
 * The baseline ("no filtering" presearch): every subscription of the change's collection is
 * evaluated with the D4 predicate on both images, as the original system evaluated every CEL
 * program of the collection. O(subscriptions of the collection) per change; used as the oracle of
 * the differential test and the baseline of the benchmark. Same threading rules as {@link Matcher}.
 */
final class LinearMatcher implements Matcher {
  private final HashMap<String, HashMap<String, Bucket>> byDatabase = new HashMap<>();
  private int size;

  @Override
  public Registration add(CompiledSubscription subscription, Object attachment) {
    Subscription s = subscription.subscription();
    HashMap<String, Bucket> db = byDatabase.computeIfAbsent(s.database(), k -> new HashMap<>());
    Bucket list = db.computeIfAbsent(s.collection(), k -> new Bucket(k, db));
    Registration r = new Registration(subscription, attachment);
    r.residual = true;
    r.buckets = new Bucket[] {list};
    r.slots = new int[] {list.add(r)};
    size++;
    return r;
  }

  @Override
  public void remove(Registration r) {
    if (r.removed) {
      return;
    }
    r.removed = true;
    Bucket list = r.buckets[0];
    list.removeAt(r.slots[0]);
    if (list.size == 0) {
      HashMap<String, Bucket> db = byDatabase.get(r.subscription().database());
      if (db != null && db.isEmpty()) {
        byDatabase.remove(r.subscription().database());
      }
    }
    size--;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int match(String database, String collection, MapValue before, MapValue after, MatchSink sink) {
    HashMap<String, Bucket> db = byDatabase.get(database);
    Bucket list = db == null ? null : db.get(collection);
    if (list == null) {
      return 0;
    }
    int matched = 0;
    Registration[] items = list.items;
    for (int i = 0, n = list.size; i < n; i++) {
      Registration r = items[i];
      Op op = IndexedMatcher.classify(before != null && r.compiled().test(before),
          after != null && r.compiled().test(after));
      if (op != null) {
        sink.matched(r, op);
        matched++;
      }
    }
    return matched;
  }
}
