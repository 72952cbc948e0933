package io.syntrix.streamer.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.Filter;
import io.syntrix.model.FilterOp;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The indexed matchers against a brute-force oracle: random subscriptions (every operator, mixed
 * types, nested fields, ids, four collections in two databases) and a random stream of creates,
 * updates and deletes, with subscriptions churning while changes flow. For every change, the set
 * of (subscription, operation) must be identical to evaluating every subscription of the
 * collection with the D4 evaluator on both images. Rerun a failure with {@code -Ddiff.seed=N}.
 */
class MatcherDifferentialTest {
  static final int SUBSCRIPTIONS = 5_000;
  static final int CHANGES = 50_000;
  static final String[] DATABASES = {"db1", "db2"};
  static final String[] COLLECTIONS = {"c", "c/k1/sub", "c/k2/sub", "other"};
  static final int DOCUMENTS_PER_COLLECTION = 40;

  /** One subscription as the oracle sees it: the model's predicate, nothing else. */
  record OracleSub(int number, int location, DocumentPredicate predicate, Registration[] regs) {}

  /**
   * The oracle's verdicts on a document's current state, so the next change of that document
   * reuses them for its before image: bit n is subscription n's result; subscriptions numbered
   * {@code upTo} and later did not exist yet and are evaluated afresh.
   */
  record Verdicts(BitSet matches, int upTo) {}

  @Test
  void indexedMatchersEqualBruteForce() {
    long seed = Long.getLong("diff.seed", System.nanoTime());
    System.out.println("MatcherDifferentialTest seed=" + seed + " (rerun with -Ddiff.seed=" + seed + ")");
    Random random = new Random(seed);
    Generator gen = new Generator(random);
    Matcher[] matchers = {Matcher.indexed(), Matcher.indexedWithoutRanges()};
    int locations = DATABASES.length * COLLECTIONS.length;
    List<List<OracleSub>> oracle = new ArrayList<>();
    for (int i = 0; i < locations; i++) {
      oracle.add(new ArrayList<>());
    }
    int[] next = {0};
    Runnable subscribe = () -> {
      int location = random.nextInt(locations);
      List<Filter> filters = gen.filters();
      Subscription s = new Subscription("s" + next[0], "g" + random.nextInt(8), DATABASES[location / COLLECTIONS.length],
          COLLECTIONS[location % COLLECTIONS.length], filters);
      CompiledSubscription compiled = CompiledSubscription.compile(s);
      Registration[] regs = new Registration[matchers.length];
      for (int m = 0; m < matchers.length; m++) {
        regs[m] = matchers[m].add(compiled, next[0]);
      }
      oracle.get(location).add(new OracleSub(next[0]++, location, DocumentPredicate.compile(filters), regs));
    };
    for (int i = 0; i < SUBSCRIPTIONS; i++) {
      subscribe.run();
    }
    MapValue[][] documents = new MapValue[locations][DOCUMENTS_PER_COLLECTION];
    Verdicts[][] verdicts = new Verdicts[locations][DOCUMENTS_PER_COLLECTION];
    long matches = 0;
    int[] counts = new int[Op.values().length];
    for (int c = 0; c < CHANGES; c++) {
      if (c % 10 == 0) { // churn: one unsubscribe and one subscribe, keeping the total
        List<OracleSub> from = oracle.get(random.nextInt(locations));
        if (!from.isEmpty()) {
          OracleSub gone = from.remove(random.nextInt(from.size()));
          for (int m = 0; m < matchers.length; m++) {
            matchers[m].remove(gone.regs()[m]);
          }
        }
        subscribe.run();
      }
      int location = random.nextInt(locations);
      int doc = random.nextInt(DOCUMENTS_PER_COLLECTION);
      MapValue before = documents[location][doc];
      MapValue after = before != null && random.nextInt(8) == 0 ? null
          : gen.document("d" + doc, COLLECTIONS[location % COLLECTIONS.length], before);
      documents[location][doc] = after;
      Verdicts afterVerdicts = new Verdicts(new BitSet(), next[0]);
      long[] expected = bruteForce(oracle.get(location), before, verdicts[location][doc], after, afterVerdicts);
      verdicts[location][doc] = afterVerdicts;
      matches += expected.length;
      for (long e : expected) {
        counts[(int) (e & 3)]++;
      }
      for (Matcher m : matchers) {
        long[] actual = run(m, DATABASES[location / COLLECTIONS.length], COLLECTIONS[location % COLLECTIONS.length], before, after);
        if (!Arrays.equals(expected, actual)) {
          assertThat(describe(actual)).as("seed %d, change %d in %s/%s: %s -> %s", seed, c, DATABASES[location / COLLECTIONS.length],
              COLLECTIONS[location % COLLECTIONS.length], before, after).isEqualTo(describe(expected));
        }
      }
    }
    System.out.printf("MatcherDifferentialTest: %d changes, %d subscriptions live, %d matches "
        + "(create %d, update %d, delete %d)%n", CHANGES, matchers[0].size(), matches,
        counts[Op.CREATE.ordinal()], counts[Op.UPDATE.ordinal()], counts[Op.DELETE.ordinal()]);
    assertThat(matchers[0].size()).isEqualTo(matchers[1].size()).isGreaterThanOrEqualTo(5_000);
    // The generator must exercise every classification often, or the comparison proves little.
    for (int n : counts) {
      assertThat(n).as("matches per operation").isGreaterThan(10_000);
    }
  }

  /**
   * Every subscription of the location on both images: (subscription number << 2 | op ordinal),
   * sorted. Records the after-image verdicts in {@code afterVerdicts}.
   */
  static long[] bruteForce(List<OracleSub> subs, MapValue before, Verdicts beforeVerdicts, MapValue after,
                           Verdicts afterVerdicts) {
    long[] out = new long[16];
    int n = 0;
    for (OracleSub s : subs) {
      boolean b = before != null && (beforeVerdicts != null && s.number() < beforeVerdicts.upTo()
          ? beforeVerdicts.matches().get(s.number()) : s.predicate().test(before));
      boolean a = after != null && s.predicate().test(after);
      if (a) {
        afterVerdicts.matches().set(s.number());
      }
      Op op = IndexedMatcher.classify(b, a);
      if (op != null) {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = ((long) s.number() << 2) | op.ordinal();
      }
    }
    out = Arrays.copyOf(out, n);
    Arrays.sort(out);
    return out;
  }

  static long[] run(Matcher m, String db, String collection, MapValue before, MapValue after) {
    long[][] out = {new long[16]};
    int[] n = {0};
    m.match(db, collection, before, after, (r, op) -> {
      if (n[0] == out[0].length) {
        out[0] = Arrays.copyOf(out[0], n[0] * 2);
      }
      out[0][n[0]++] = ((long) (Integer) r.attachment() << 2) | op.ordinal();
    });
    long[] result = Arrays.copyOf(out[0], n[0]);
    Arrays.sort(result);
    return result;
  }

  static List<String> describe(long[] matches) {
    List<String> out = new ArrayList<>();
    for (long m : matches) {
      out.add("s" + (m >> 2) + ":" + Op.values()[(int) (m & 3)]);
    }
    return out;
  }

  /**
   * Random filters and documents over a small shared vocabulary, so that filters often match:
   * fields a (numbers of both kinds, sometimes strings), b (strings, null), n.m (nested), tags
   * (arrays), s (scores), id; values cross type classes on purpose.
   */
  static final class Generator {
    static final String[] FIELDS = {"a", "a", "b", "b", "n.m", "tags", "s", "s", "id", "missing"};
    final Random r;

    Generator(Random r) {
      this.r = r;
    }

    List<Filter> filters() {
      int count = switch (r.nextInt(10)) {
        case 0 -> r.nextInt(3) == 0 ? 0 : 1;
        case 1, 2, 3, 4 -> 1;
        case 5, 6, 7 -> 2;
        default -> 3;
      };
      List<Filter> out = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        out.add(filter());
      }
      return out;
    }

    Filter filter() {
      String field = FIELDS[r.nextInt(FIELDS.length)];
      FilterOp op = switch (r.nextInt(14)) {
        case 0, 1, 2, 3 -> FilterOp.EQ;
        case 4, 5 -> FilterOp.IN;
        case 6 -> FilterOp.NE;
        case 7 -> FilterOp.NOT_IN;
        case 8 -> FilterOp.LT;
        case 9 -> FilterOp.LTE;
        case 10 -> FilterOp.GT;
        case 11 -> FilterOp.GTE;
        case 12 -> FilterOp.ARRAY_CONTAINS;
        default -> FilterOp.ARRAY_CONTAINS_ANY;
      };
      if (op.takesList()) {
        List<Value> values = new ArrayList<>();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
          values.add(op == FilterOp.ARRAY_CONTAINS_ANY ? element() : value(field));
        }
        return new Filter(field, op, new ArrayValue(values));
      }
      return new Filter(field, op, op == FilterOp.ARRAY_CONTAINS ? element() : value(field));
    }

    /** A value for {@code field}, mostly of the field's usual type. */
    Value value(String field) {
      if (r.nextInt(8) == 0) {
        return anyScalar();
      }
      return switch (field) {
        case "a" -> number(9);
        case "b" -> r.nextInt(6) == 0 ? Value.nullValue() : Value.of("b" + r.nextInt(8));
        case "n.m" -> number(3);
        case "tags" -> r.nextBoolean() ? tags() : element();
        case "s" -> number(40);
        case "id" -> Value.of("d" + r.nextInt(DOCUMENTS_PER_COLLECTION));
        default -> anyScalar();
      };
    }

    Value number(int max) {
      int n = r.nextInt(max + 1);
      return switch (r.nextInt(4)) {
        case 0 -> Value.of((double) n);
        case 1 -> Value.of(n + 0.5);
        case 2 -> n == 0 ? Value.of(-0.0) : Value.of((long) n);
        default -> Value.of((long) n);
      };
    }

    Value element() {
      return r.nextInt(3) == 0 ? number(2) : Value.of("t" + r.nextInt(4));
    }

    Value tags() {
      List<Value> elements = new ArrayList<>();
      for (int i = r.nextInt(4); i > 0; i--) {
        elements.add(element());
      }
      return new ArrayValue(elements);
    }

    Value anyScalar() {
      return switch (r.nextInt(6)) {
        case 0 -> Value.nullValue();
        case 1 -> Value.of(r.nextBoolean());
        case 2 -> number(4);
        case 3 -> Value.of(String.valueOf(r.nextInt(3)));
        case 4 -> new ArrayValue(List.of(element()));
        default -> MapValue.of(Map.of("m", number(2)));
      };
    }

    /** The next state of a document: keeps some fields of {@code previous}, changes or drops others. */
    MapValue document(String id, String collection, MapValue previous) {
      Map<String, Value> fields = new HashMap<>();
      for (String f : new String[] {"a", "b", "n", "tags", "s"}) {
        Value old = previous == null ? null : previous.get(f);
        int roll = r.nextInt(10);
        if (old != null && roll < 5) {
          fields.put(f, old);
        } else if (roll < 8) {
          fields.put(f, switch (f) {
            case "n" -> r.nextInt(5) == 0 ? number(3) : MapValue.of(Map.of("m", value("n.m")));
            case "tags" -> r.nextInt(5) == 0 ? element() : tags();
            default -> value(f);
          });
        }
      }
      fields.put("id", Value.of(id));
      fields.put("collection", Value.of(collection));
      fields.put("version", Value.of((long) r.nextInt(5) + 1));
      return MapValue.of(fields);
    }
  }
}
