package io.syntrix.bench;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.Filter;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import io.syntrix.streamer.match.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The streamer benchmark workload (issue 5): one collection, 100,000 subscriptions and a stream of
 * updates that move random documents between random rooms and scores.
 *
 * <ul>
 *   <li>90,000 {@code room == r<k>} over 10,000 rooms (9 per room);
 *   <li>5,000 {@code room in [3 distinct random rooms]};
 *   <li>4,000 {@code room == r<k> AND score >= n};
 *   <li>1,000 {@code score > n} (no equality conjunct: residual in the hash-only design);
 * </ul>
 * rooms and thresholds are uniform ({@code n} in [0, 1000)); documents hold {@code room},
 * {@code score} (uniform in [0, 1000)) and a short {@code text}, plus the system fields of their
 * flattened form. Subscriptions belong to 16 gateways, round robin. Deterministic for a seed.
 */
public final class StreamerWorkload {
  public static final String DATABASE = "bench";
  public static final String COLLECTION = "rooms";
  public static final int ROOMS = 10_000;
  public static final int SCORES = 1_000;
  public static final int GATEWAYS = 16;

  private StreamerWorkload() {}

  /** The 100,000 subscriptions of the issue, in a shuffled order. */
  public static List<Subscription> subscriptions(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Subscription> out = new ArrayList<>(100_000);
    for (int i = 0; i < 90_000; i++) {
      out.add(sub(out.size(), List.of(Filter.of("room", "==", room(i % ROOMS)))));
    }
    for (int i = 0; i < 5_000; i++) {
      int a = r.nextInt(ROOMS);
      int b = (a + 1 + r.nextInt(ROOMS - 1)) % ROOMS;
      int c;
      do {
        c = r.nextInt(ROOMS);
      } while (c == a || c == b);
      out.add(sub(out.size(), List.of(Filter.of("room", "in", ArrayValue.of(room(a), room(b), room(c))))));
    }
    for (int i = 0; i < 4_000; i++) {
      out.add(sub(out.size(), List.of(Filter.of("room", "==", room(r.nextInt(ROOMS))),
          Filter.of("score", ">=", Value.of((long) r.nextInt(SCORES))))));
    }
    for (int i = 0; i < 1_000; i++) {
      out.add(sub(out.size(), List.of(Filter.of("score", ">", Value.of((long) r.nextInt(SCORES))))));
    }
    for (int i = out.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      out.set(i, out.set(j, out.get(i)));
    }
    return out;
  }

  private static Subscription sub(int n, List<Filter> filters) {
    return new Subscription("sub-" + n, "gateway-" + (n % GATEWAYS), DATABASE, COLLECTION, filters);
  }

  private static Value room(int k) {
    return Value.of("r" + k);
  }

  /** One change as the matcher sees it: the documents and their flattened images. */
  public record Change(Document before, Document after, MapValue flatBefore, MapValue flatAfter) {}

  /** {@code count} updates over {@code documents} documents: each moves one to a random room and score. */
  public static Change[] changes(long seed, int documents, int count) {
    SplittableRandom r = new SplittableRandom(seed);
    CollectionPath collection = CollectionPath.of(COLLECTION);
    Document[] current = new Document[documents];
    long now = 1_700_000_000_000L;
    for (int i = 0; i < documents; i++) {
      current[i] = new Document(collection.document("d" + i), data(r), 1, now, now, false);
    }
    Change[] out = new Change[count];
    for (int i = 0; i < count; i++) {
      int d = r.nextInt(documents);
      Document before = current[d];
      Document after = new Document(before.path(), data(r), before.version() + 1, before.createdAt(), now + i, false);
      current[d] = after;
      out[i] = new Change(before, after, before.toFlat(), after.toFlat());
    }
    return out;
  }

  private static MapValue data(SplittableRandom r) {
    return MapValue.builder()
        .put("room", room(r.nextInt(ROOMS)))
        .put("score", Value.of((long) r.nextInt(SCORES)))
        .put("text", Value.of("hello " + r.nextInt(1000)))
        .build();
  }
}
