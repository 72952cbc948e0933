package io.syntrix.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.Document;
import io.syntrix.model.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * In-memory sorts hold at most the engine's {@link SortLimits}: past them the query is refused
 * with the index it would need; with a limit they hold one page, so the same query pages fine;
 * plans that stream are never refused, however many documents they return.
 */
class SortLimitsTest extends QueryTestSupport {
  private static final String C = "items";
  private static final SortLimits SMALL = new SortLimits(50, 1L << 20);

  private QueryEngine small() {
    return new QueryEngine(store, SMALL);
  }

  private List<String> ids(QueryEngine engine, Q q) {
    try (QueryCursor c = engine.execute(DB, q.build())) {
      List<String> out = new ArrayList<>();
      c.forEachRemaining(d -> out.add(d.id()));
      return out;
    }
  }

  /** {@code n} documents with a nested sort value, one shared {@code k}, and a distinct {@code n}. */
  private void items(int n) {
    for (int i = 0; i < n; i++) {
      put(C, String.format("d%03d", i), "{\"k\":\"same\",\"n\":" + ((i * 37) % n) + ",\"m\":{\"x\":" + ((i * 7) % n) + "}}");
    }
  }

  @Test
  void aWholeResultSortedInMemoryIsRefusedPastTheCapNamingTheIndex() {
    items(60);
    assertThatThrownBy(() -> ids(small(), q(C).asc("m.x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("more than 50 documents")
        .hasMessageContaining("index on (m.x asc)")
        .hasMessageContaining("'m.x' cannot be indexed")
        .hasMessageContaining("give it a limit");
    List<String> firstPage = ids(small(), q(C).asc("m.x").limit(50));
    assertThat(firstPage).as("a limit holds one page, within the cap").hasSize(50)
        .isEqualTo(ids(engine, q(C).asc("m.x")).subList(0, 50));
    assertThat(ids(small(), q(C).asc("m.x").limit(50).startAfter(firstPage.get(49))))
        .isEqualTo(ids(engine, q(C).asc("m.x")).subList(50, 60));
  }

  @Test
  void aRunOfEqualFirstValuesIsRefusedPastTheCapButSmallRunsStream() {
    items(60);
    assertThatThrownBy(() -> ids(small(), q(C).asc("k").desc("n")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("composite index on (k asc, n desc)")
        .hasMessageContaining("only single-field indexes exist");
    List<String> expected = run(q(C).asc("k").desc("n")).stream().map(Document::id).toList();
    assertThat(ids(small(), q(C).asc("k").desc("n").limit(20))).isEqualTo(expected.subList(0, 20));

    for (int i = 0; i < 200; i++) { // 200 more documents in runs of 4: more than the cap in all, never in one run
      put("runs", String.format("r%03d", i), "{\"g\":" + (i / 4) + ",\"n\":" + (i % 4) + "}");
    }
    List<Document> all = run(q("runs").asc("g").desc("n"));
    assertThat(ids(small(), q("runs").asc("g").desc("n"))).hasSize(200)
        .isEqualTo(all.stream().map(Document::id).toList());
  }

  @Test
  void theMessageNamesEqualityFieldsBeforeTheOrder() {
    items(60);
    QueryEngine engine = new QueryEngine(store, QueryPlanner.PROBE_LIMIT, SMALL);
    Q q = q(C).where("k", "==", "\"same\"").desc("n");
    assertThat(engine.explain(DB, q.build()).sort()).startsWith("sort in memory");
    assertThatThrownBy(() -> ids(engine, q))
        .hasMessageContaining("composite index on (k, n desc)");
  }

  @Test
  void theByteCapCountsLargeDocuments() {
    String pad = "x".repeat(20_000);
    for (int i = 0; i < 30; i++) {
      put(C, "big" + i, "{\"m\":{\"x\":" + i + "},\"pad\":\"" + pad + "\"}");
    }
    QueryEngine engine = new QueryEngine(store, new SortLimits(1000, 500_000));
    assertThatThrownBy(() -> ids(engine, q(C).asc("m.x")))
        .hasMessageContaining("more than 1000 documents or 500000 bytes");
    assertThat(ids(engine, q(C).asc("m.x").limit(10))).hasSize(10);
  }

  @Test
  void streamingPlansAreNeverRefused() {
    items(200);
    List<String> byId = ids(small(), q(C));
    assertThat(byId).hasSize(200);
    assertThat(ids(small(), q(C).asc("n"))).hasSize(200);
    List<String> tiesById = ids(small(), q(C).asc("k").asc("id"));
    assertThat(tiesById).as("one run of 200, already in id order").isEqualTo(byId);
    List<String> desc = ids(small(), q(C).desc("k").desc("id"));
    assertThat(desc).isEqualTo(byId.stream().sorted(Comparator.reverseOrder()).toList());
  }
}
