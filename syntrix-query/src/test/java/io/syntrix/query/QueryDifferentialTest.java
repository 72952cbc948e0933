package io.syntrix.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.FieldPath;
import io.syntrix.model.Filter;
import io.syntrix.model.FilterOp;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import io.syntrix.store.Cursor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random documents and random queries: the engine's result must equal a brute-force oracle's
 * (scan everything, filter with the D4 evaluator, sort by the orderBy values with null for a
 * missing field, then id in the direction of the last orderBy), and paging through it with
 * {@code startAfter} must give the same list. The engine runs with a tiny probe limit so that
 * every plan (bounded and unbounded index choices, the id-collection fallback) is reached.
 * Failures print the seed; rerun one with {@code -Dquery.seed=<seed>}.
 */
class QueryDifferentialTest extends QueryTestSupport {
  /** Long values are too large for an index entry (over 1,500 bytes); they must be found all the same. */
  private static final String LONG = "h".repeat(1600);
  private static final List<Value> VALUES = values("null", "false", "true", "-2", "0", "1", "1.0", "1.5", "2", "3",
      "\"\"", "\"a\"", "\"b\"", "\"ab\"", "[]", "[1]", "[\"a\",1]", "{}", "{\"x\":1}",
      "\"" + LONG + "\"", "\"" + LONG + "a\"", "\"" + "h".repeat(1498) + "\"", "[\"" + LONG + "\",1]");
  private static final List<String> FIELDS = List.of("a", "b", "c.d", "c", "tags", "id", "version", "n");
  private static final List<String> ORDER_FIELDS = List.of("a", "b", "c.d", "c", "tags", "id", "version", "updatedAt",
      "n");
  private static final int DATASETS = 6;
  private static final int QUERIES_PER_DATASET = 400;

  @Test
  void engineMatchesTheOracle() {
    long seed = Long.getLong("query.seed", System.nanoTime());
    System.out.println("QueryDifferentialTest seed " + seed);
    Random random = new Random(seed);
    Map<String, Integer> plans = new TreeMap<>();
    for (int set = 0; set < DATASETS; set++) {
      String collection = "c" + set;
      List<String> ids = populate(random, collection, 40 + random.nextInt(160));
      QueryEngine tiny = new QueryEngine(store, 1 + random.nextInt(40));
      for (int i = 0; i < QUERIES_PER_DATASET; i++) {
        Q q = randomQuery(random, collection, ids);
        String context = "seed " + seed + ", dataset " + set + ", query " + i + ": " + q;
        try {
          check(tiny, q, context, plans);
        } catch (RuntimeException | AssertionError e) {
          throw new AssertionError(context + "\nplan: " + safePlan(tiny, q) + "\n" + e.getMessage(), e);
        }
      }
    }
    System.out.println("QueryDifferentialTest plans " + plans);
    assertThat(plans.keySet()).as("every kind of plan was exercised").contains(
        "empty", "point-gets", "collection-scan", "index-scan IndexEquality", "index-scan IndexIds",
        "index-scan IndexOrdered", "index-scan IndexOrdered+missing", "sort TIE_GROUPS", "sort IN_MEMORY");
  }

  private void check(QueryEngine tiny, Q q, String context, Map<String, Integer> plans) {
    Query query = q.build();
    QueryPlan plan = tiny.explain(DB, query);
    count(plans, plan);
    List<String> expected;
    try {
      expected = oracle(query);
    } catch (InvalidInputException unresolved) {
      assertThatThrownBy(() -> run(tiny, query)).as(context).isInstanceOf(InvalidInputException.class);
      return;
    }
    assertThat(run(tiny, query)).as(context).isEqualTo(expected);
    if (query.startAfter() == null) {
      int pageSize = 2 + new Random(expected.size()).nextInt(14);
      List<String> all = oracle(withPage(query, 0, null));
      assertThat(page(tiny, query, pageSize)).as("%s\npaged by %d", context, pageSize).isEqualTo(all);
    }
  }

  private static String safePlan(QueryEngine engine, Q q) {
    try {
      return engine.explain(DB, q.build()).describe();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private static void count(Map<String, Integer> plans, QueryPlan plan) {
    String route = plan.route().getClass().getSimpleName();
    String key = plan.access() + (plan.usesIndex() ? " " + route : "");
    if (plan.route() instanceof Route.IndexOrdered o && o.withMissing()) {
      key += "+missing";
    }
    plans.merge(key, 1, Integer::sum);
    plans.merge("sort " + plan.sortMode(), 1, Integer::sum);
  }

  private static List<String> run(QueryEngine engine, Query q) {
    List<String> out = new ArrayList<>();
    try (QueryCursor c = engine.execute(DB, q)) {
      c.forEachRemaining(d -> out.add(d.id()));
    }
    return out;
  }

  /** Every page of {@code pageSize}, each starting after the last id of the one before. */
  private static List<String> page(QueryEngine engine, Query q, int pageSize) {
    List<String> out = new ArrayList<>();
    String after = null;
    while (true) {
      List<String> page = run(engine, withPage(q, pageSize, after));
      out.addAll(page);
      if (page.size() < pageSize) {
        return out;
      }
      after = page.get(page.size() - 1);
    }
  }

  private static Query withPage(Query q, int limit, String after) {
    return new Query(q.collection(), q.filters(), q.orderBy(), limit, after, q.showDeleted());
  }

  // ---- the oracle: scan, filter, sort, cut --------------------------------------------------

  private List<String> oracle(Query q) {
    DocumentPredicate predicate = DocumentPredicate.compile(q.filters());
    List<Document> docs = new ArrayList<>();
    try (Cursor<Document> c = store.scanCollection(DB, q.collection(), null, q.showDeleted())) {
      c.forEachRemaining(d -> {
        if (predicate.test(d.toFlat())) {
          docs.add(d);
        }
      });
    }
    Comparator<Document> order = oracleOrder(q.orderBy());
    docs.sort(order);
    if (q.startAfter() != null) {
      if (q.orderBy().isEmpty()) {
        docs.removeIf(d -> d.id().compareTo(q.startAfter()) <= 0);
      } else {
        Document cursor = cursorDocument(q);
        docs.removeIf(d -> d.id().equals(cursor.id()) || order.compare(d, cursor) <= 0);
      }
    }
    List<String> ids = docs.stream().map(Document::id).toList();
    return q.limit() > 0 && ids.size() > q.limit() ? ids.subList(0, q.limit()) : ids;
  }

  private Document cursorDocument(Query q) {
    if (q.orderBy().get(0).field().equals(SystemFields.ID)) { // only the id matters
      return new Document(q.collection().document(q.startAfter()), MapValue.EMPTY, 0, 0, 0, false);
    }
    return store.get(DB, q.collection().document(q.startAfter()), q.showDeleted())
        .orElseThrow(() -> new InvalidInputException("unresolved"));
  }

  private static Comparator<Document> oracleOrder(List<OrderBy> orderBy) {
    return (x, y) -> {
      MapValue fx = x.toFlat();
      MapValue fy = y.toFlat();
      for (OrderBy o : orderBy) {
        FieldPath p = FieldPath.parse(o.field());
        int c = Values.compare(orNull(p.resolve(fx)), orNull(p.resolve(fy)));
        if (c != 0) {
          return o.direction() == OrderBy.Direction.DESC ? -c : c;
        }
      }
      boolean desc = !orderBy.isEmpty() && orderBy.get(orderBy.size() - 1).direction() == OrderBy.Direction.DESC;
      return desc ? y.id().compareTo(x.id()) : x.id().compareTo(y.id());
    };
  }

  private static Value orNull(Value v) {
    return v == null ? NullValue.INSTANCE : v;
  }

  // ---- random data and queries ---------------------------------------------------------------

  private List<String> populate(Random random, String collection, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = random.nextInt(4) == 0 ? "k" + random.nextInt(1000) : Integer.toString(random.nextInt(100000), 36);
      if (ids.contains(id)) {
        continue;
      }
      ids.add(id);
      store.create(DB, CollectionPath.of(collection).document(id), randomData(random));
    }
    for (String id : ids) {
      switch (random.nextInt(10)) {
        case 0 -> store.delete(DB, CollectionPath.of(collection).document(id), List.of());
        case 1 -> store.replace(DB, CollectionPath.of(collection).document(id), randomData(random), List.of());
        case 2 -> store.patch(DB, CollectionPath.of(collection).document(id),
            MapValue.builder().put("b", pick(random, VALUES)).build(), List.of());
        default -> { }
      }
    }
    return ids;
  }

  private static MapValue randomData(Random random) {
    MapValue.Builder b = MapValue.builder();
    if (random.nextInt(4) != 0) {
      b.put("a", pick(random, VALUES));
    }
    if (random.nextInt(5) != 0) {
      b.put("b", Value.of(random.nextInt(3)));
    }
    switch (random.nextInt(4)) {
      case 0 -> b.put("c", MapValue.builder().put("d", pick(random, VALUES)).build());
      case 1 -> b.put("c", pick(random, VALUES));
      default -> { }
    }
    if (random.nextBoolean()) {
      List<Value> tags = new ArrayList<>();
      for (String t : List.of("x", "y", "z")) {
        if (random.nextBoolean()) {
          tags.add(new StringValue(t));
        }
      }
      b.put("tags", new ArrayValue(tags));
    }
    if (random.nextInt(3) == 0) {
      b.put("n", Value.of(random.nextInt(5)));
    }
    return b.build();
  }

  private static Q randomQuery(Random random, String collection, List<String> ids) {
    Q q = q(collection);
    int filters = random.nextInt(4);
    for (int i = 0; i < filters; i++) {
      q.where(randomFilter(random, ids));
    }
    int orders = random.nextInt(3);
    for (int i = 0; i < orders; i++) {
      q.orderBy(new OrderBy(pick(random, ORDER_FIELDS),
          random.nextBoolean() ? OrderBy.Direction.ASC : OrderBy.Direction.DESC));
    }
    if (random.nextInt(3) == 0) {
      q.limit(1 + random.nextInt(20));
    }
    q.showDeleted(random.nextInt(4) == 0);
    if (random.nextInt(4) == 0) {
      q.startAfter(random.nextInt(8) == 0 ? "nope" + random.nextInt(3) : pick(random, ids));
    }
    return q;
  }

  private static Filter randomFilter(Random random, List<String> ids) {
    String field = pick(random, FIELDS);
    FilterOp op = pick(random, List.of(FilterOp.values()));
    if (field.equals("tags") && random.nextBoolean()) {
      op = random.nextBoolean() ? FilterOp.ARRAY_CONTAINS : FilterOp.ARRAY_CONTAINS_ANY;
    }
    if (field.equals("id") && random.nextBoolean()) {
      op = random.nextBoolean() ? FilterOp.EQ : FilterOp.IN;
    }
    if (op.takesList()) {
      List<Value> list = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        list.add(randomOperand(random, field, ids));
      }
      return new Filter(field, op, new ArrayValue(list));
    }
    return new Filter(field, op, randomOperand(random, field, ids));
  }

  private static Value randomOperand(Random random, String field, List<String> ids) {
    return switch (field) {
      case "id" -> random.nextInt(5) == 0 ? pick(random, VALUES) : new StringValue(pick(random, ids));
      case "tags" -> random.nextBoolean() ? new StringValue(pick(random, List.of("x", "y", "z", "w")))
          : pick(random, VALUES);
      case "version" -> Value.of(1 + random.nextInt(3));
      case "b", "n" -> random.nextInt(3) == 0 ? pick(random, VALUES) : Value.of(random.nextInt(4));
      default -> pick(random, VALUES);
    };
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static List<Value> values(String... json) {
    List<Value> out = new ArrayList<>();
    for (String j : json) {
      out.add(Json.parse(j));
    }
    return List.copyOf(out);
  }
}
