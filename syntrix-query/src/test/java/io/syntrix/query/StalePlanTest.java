package io.syntrix.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.Document;
import io.syntrix.model.Query;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plan chosen from a probe stays correct when the data changed before it runs; it only costs more. */
class StalePlanTest extends QueryTestSupport {
  private static final String C = "stale";

  private List<String> runPlan(QueryPlan plan, Query q, long[] examined) {
    List<String> out = new ArrayList<>();
    try (Execution run = new Execution(plan, new Reader(store, DB, q.collection(), q.showDeleted()), SortLimits.DEFAULTS)) {
      run.forEachRemaining(d -> out.add(d.id()));
      examined[0] = run.documentsExamined();
    }
    return out;
  }

  @Test
  void collectedIdsFallBackToAScanWhenTheRangeOutgrewTheBound() {
    for (int i = 0; i < 10; i++) {
      put(C, "a" + i, "{\"n\":" + i + "}");
    }
    QueryEngine small = new QueryEngine(store, 5);
    Query q = q(C).where("n", "<", "3").build();
    QueryPlan plan = small.explain(DB, q);
    assertThat(plan.range()).contains("ids sorted in memory");
    for (int i = 0; i < 100; i++) {
      put(C, "b" + String.format("%03d", i), "{\"n\":" + (-i) + "}");
    }
    long[] examined = new long[1];
    List<String> ids = runPlan(plan, q, examined);
    List<String> expected = new ArrayList<>(List.of("a0", "a1", "a2"));
    for (int i = 0; i < 100; i++) {
      expected.add("b" + String.format("%03d", i));
    }
    assertThat(ids).isEqualTo(expected);
    assertThat(examined[0]).as("read by a collection scan").isEqualTo(110);
    assertThat(run(q(C).where("n", "<", "3")).stream().map(Document::id).toList()).isEqualTo(expected);
  }

  @Test
  void anInMemoryPlanOverAGrownEqualityIsStillExact() {
    for (int i = 0; i < 4; i++) {
      put(C, "a" + i, "{\"k\":1,\"n\":" + i + "}");
    }
    QueryEngine small = new QueryEngine(store, 10);
    Query q = q(C).where("k", "==", "1").desc("n").limit(3).build();
    QueryPlan plan = small.explain(DB, q);
    assertThat(plan.sort()).startsWith("top 3");
    for (int i = 0; i < 30; i++) {
      put(C, "b" + i, "{\"k\":1,\"n\":" + (100 + i) + "}");
    }
    assertThat(runPlan(plan, q, new long[1])).containsExactly("b29", "b28", "b27");
  }
}
