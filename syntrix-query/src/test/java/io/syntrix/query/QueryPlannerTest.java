package io.syntrix.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.model.Value;
import io.syntrix.store.Write;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans on a 100,000-document collection, proved by what the cursor reads: an equality query
 * reads exactly its matches, ordered queries with a limit stop early, small ranges are read
 * through the index, and plans name the index they use.
 *
 * <p>Documents {@code d000000..d099999}: {@code cat} = i % 1000 (100 per value), {@code status}
 * one of four values, {@code n} = i, {@code tag} only on every 100th document.
 */
class QueryPlannerTest {
  private static final String DB = "plans";
  private static final CollectionPath C = CollectionPath.of("big");
  private static final int N = 100_000;

  @TempDir
  static Path dir;
  private static RocksDocumentStore store;
  private static QueryEngine engine;

  @BeforeAll
  static void bigCollection() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
    engine = new QueryEngine(store);
    List<CompletableFuture<?>> batch = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      MapValue.Builder b = MapValue.builder()
          .put("cat", Value.of(i % 1000))
          .put("status", Value.of(List.of("new", "open", "done", "gone").get(i % 4)))
          .put("n", Value.of(i));
      if (i % 100 == 0) {
        b.put("tag", Value.of("t" + (i / 100) % 3));
      }
      batch.add(store.writeAsync(new Write.Create(DB, C.document(String.format("d%06d", i)), b.build())));
      if (batch.size() == 5000) {
        CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
        batch.clear();
      }
    }
    CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
  }

  @AfterAll
  static void close() {
    store.close();
  }

  private static Query query(List<Filter> filters, List<OrderBy> orderBy, int limit) {
    return new Query(C, filters, orderBy, limit, null, false);
  }

  private static Filter f(String field, String op, String json) {
    return Filter.of(field, op, Json.parse(json));
  }

  private record Run(List<Document> docs, long examined, long entries, QueryPlan plan) {}

  private static Run run(Query q) {
    try (QueryCursor c = engine.execute(DB, q)) {
      List<Document> docs = new ArrayList<>();
      c.forEachRemaining(docs::add);
      return new Run(docs, c.documentsExamined(), c.indexEntriesRead(), c.plan());
    }
  }

  @Test
  void equalityReadsOnlyTheMatchingIndexEntries() {
    Query q = query(List.of(f("cat", "==", "7")), List.of(), 0);
    QueryPlan plan = engine.explain(DB, q);
    assertThat(plan.access()).isEqualTo("index-scan");
    assertThat(plan.index()).isEqualTo("cat");
    assertThat(plan.describe()).contains("index-scan on cat == 7").contains("then filter cat == 7");
    Run r = run(q);
    assertThat(r.docs()).hasSize(100).allSatisfy(d -> assertThat(d.data().get("cat")).isEqualTo(Value.of(7)));
    assertThat(r.docs().stream().map(Document::id).toList()).isSorted();
    assertThat(r.examined()).isEqualTo(r.docs().size()).isLessThan(N / 100);
    assertThat(r.entries()).isEqualTo(100);
  }

  @Test
  void theMostSelectiveEqualityDrivesAndTheOtherIsPostFiltered() {
    Query q = query(List.of(f("status", "==", "\"open\""), f("cat", "==", "5")), List.of(), 0);
    assertThat(engine.explain(DB, q).index()).isEqualTo("cat");
    Run r = run(q);
    assertThat(r.docs()).hasSize(100).allSatisfy(d -> assertThat(d.data().get("status")).isEqualTo(Value.of("open")));
    assertThat(r.examined()).isEqualTo(100);
    Query none = query(List.of(f("status", "==", "\"open\""), f("cat", "==", "6")), List.of(), 0);
    assertThat(run(none).docs()).isEmpty();
    assertThat(run(none).examined()).isEqualTo(100);
  }

  @Test
  void inIsEqualityScansMergedById() {
    Run r = run(query(List.of(f("cat", "in", "[3, 1, 2]")), List.of(), 0));
    assertThat(r.plan().range()).contains("merged by id");
    assertThat(r.docs()).hasSize(300);
    assertThat(r.docs().stream().map(Document::id).toList()).isSorted();
    assertThat(r.examined()).isEqualTo(300);
  }

  @Test
  void orderedQueriesWithALimitStopEarly() {
    Run r = run(query(List.of(), List.of(new OrderBy("n", OrderBy.Direction.DESC)), 10));
    assertThat(r.plan().describe()).startsWith("index-scan on n").contains("desc");
    assertThat(r.docs().stream().map(Document::id).toList()).containsExactly("d099999", "d099998", "d099997",
        "d099996", "d099995", "d099994", "d099993", "d099992", "d099991", "d099990");
    assertThat(r.examined()).isEqualTo(10);
    Run byId = run(query(List.of(), List.of(new OrderBy("id", OrderBy.Direction.DESC)), 5));
    assertThat(byId.plan().access()).isEqualTo("collection-scan");
    assertThat(byId.examined()).isEqualTo(5);
    Run created = run(query(List.of(f("n", ">=", "50000")), List.of(new OrderBy("createdAt", OrderBy.Direction.ASC)), 3));
    assertThat(created.plan().index()).isEqualTo("createdAt");
    assertThat(created.docs()).hasSize(3);
  }

  @Test
  void ascendingOrderOnAFieldMostDocumentsLackMergesThemFirst() {
    Run r = run(query(List.of(), List.of(new OrderBy("tag", OrderBy.Direction.ASC)), 3));
    assertThat(r.plan().range()).contains("documents missing 'tag' merged at null");
    assertThat(r.docs().stream().map(Document::id).toList()).containsExactly("d000001", "d000002", "d000003");
    Run desc = run(query(List.of(), List.of(new OrderBy("tag", OrderBy.Direction.DESC)), 2));
    assertThat(desc.docs().stream().map(Document::id).toList()).containsExactly("d099800", "d099500");
    assertThat(desc.examined()).isEqualTo(2);
  }

  @Test
  void smallRangesAreReadThroughTheIndexAndLargeOnesScan() {
    Query small = query(List.of(f("n", "<", "50")), List.of(), 0);
    QueryPlan plan = engine.explain(DB, small);
    assertThat(plan.index()).isEqualTo("n");
    assertThat(plan.range()).contains("ids sorted in memory");
    Run r = run(small);
    assertThat(r.docs()).hasSize(50);
    assertThat(r.examined()).isEqualTo(50);
    QueryPlan large = engine.explain(DB, query(List.of(f("n", ">=", "10")), List.of(), 0));
    assertThat(large.access()).isEqualTo("collection-scan");
  }

  @Test
  void aSmallEqualityWithAnOrderOnAnotherFieldSortsInMemory() {
    Run r = run(query(List.of(f("cat", "==", "9")), List.of(new OrderBy("n", OrderBy.Direction.DESC)), 5));
    assertThat(r.plan().index()).isEqualTo("cat");
    assertThat(r.plan().sort()).startsWith("top 5 in memory");
    assertThat(r.docs().stream().map(Document::id).toList()).containsExactly("d099009", "d098009", "d097009",
        "d096009", "d095009");
    assertThat(r.examined()).isEqualTo(100);
    Run big = run(query(List.of(f("status", "==", "\"done\"")), List.of(new OrderBy("n", OrderBy.Direction.DESC)), 5));
    assertThat(big.plan().index()).as("a large equality: walk the order's index instead").isEqualTo("n");
    assertThat(big.docs().stream().map(Document::id).toList()).containsExactly("d099998", "d099994", "d099990",
        "d099986", "d099982");
    assertThat(big.examined()).isEqualTo(18);
  }

  @Test
  void ascendingOrderWithoutAFilterOnTheFieldLooksForDocumentsLackingItFirst() {
    Run all = run(query(List.of(), List.of(new OrderBy("n", OrderBy.Direction.ASC)), 5));
    assertThat(all.docs().stream().map(Document::id).toList()).containsExactly("d000000", "d000001", "d000002",
        "d000003", "d000004");
    assertThat(all.examined()).as("nulls sort first: the collection is read for documents without n")
        .isEqualTo(N + 5);
    Run present = run(query(List.of(f("n", ">=", "0")), List.of(new OrderBy("n", OrderBy.Direction.ASC)), 5));
    assertThat(present.plan().range()).doesNotContain("missing");
    assertThat(present.examined()).as("a filter on n demands it, so nothing else is read").isEqualTo(5);
    Run next = run(new Query(C, List.of(), List.of(new OrderBy("n", OrderBy.Direction.ASC)), 5, "d000004", false));
    assertThat(next.docs().get(0).id()).isEqualTo("d000005");
    assertThat(next.examined()).as("past the null run the next page reads only the index").isEqualTo(5);
  }

  @Test
  void contradictionsReadNothing() {
    Run r = run(query(List.of(f("n", ">", "10"), f("n", "<", "5")), List.of(), 0));
    assertThat(r.plan().access()).isEqualTo("empty");
    assertThat(r.docs()).isEmpty();
    assertThat(r.examined() + r.entries()).isZero();
  }

  @Test
  void pointGetsForIds() {
    Run r = run(query(List.of(f("id", "in", "[\"d000010\", \"d000003\", \"zzz\"]")), List.of(), 0));
    assertThat(r.plan().access()).isEqualTo("point-gets");
    assertThat(r.docs().stream().map(Document::id).toList()).containsExactly("d000003", "d000010");
    assertThat(r.examined()).isEqualTo(2);
  }

  @Test
  void nestedOrderSortsInMemoryAndSaysSo() {
    QueryPlan plan = engine.explain(DB, query(List.of(f("cat", "==", "1")), List.of(new OrderBy("m.x",
        OrderBy.Direction.ASC)), 0));
    assertThat(plan.sort()).startsWith("sort in memory by m.x asc");
  }
}
