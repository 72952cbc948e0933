package io.syntrix.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Golden plans: what {@code explain} says for each kind of query. */
class QueryExplainTest extends QueryTestSupport {
  private static final String C = "items";

  @BeforeEach
  void items() {
    for (int i = 0; i < 20; i++) {
      put(C, "i" + (char) ('a' + i), "{\"kind\":\"k" + (i % 4) + "\",\"n\":" + i + ",\"m\":{\"x\":" + (i % 3) + "}}");
    }
  }

  private String explain(Q q) {
    return engine.explain(DB, q.build()).describe();
  }

  @Test
  void plans() {
    assertThat(explain(q(C)))
        .isEqualTo("collection-scan id asc");
    assertThat(explain(q(C).where("kind", "==", "\"k1\"")))
        .isEqualTo("index-scan on kind == \"k1\", then filter kind == \"k1\"");
    assertThat(explain(q(C).where("kind", "in", "[\"k1\",\"k2\"]").where("n", ">", "3")))
        .isEqualTo("index-scan on kind in [\"k1\", \"k2\"] merged by id, then filter kind in [\"k1\", \"k2\"] AND n > 3");
    assertThat(explain(q(C).where("kind", "==", "\"k1\"").where("n", "==", "5")))
        .isEqualTo("index-scan on n == 5 (1 entries), then filter kind == \"k1\" AND n == 5");
    assertThat(explain(q(C).where("n", ">", "3").where("n", "<=", "9")))
        .isEqualTo("index-scan on n (3, 9] (6 entries), ids sorted in memory, then filter n > 3 AND n <= 9");
    assertThat(explain(q(C).where("n", "!=", "3")))
        .isEqualTo("index-scan on n all number values (20 entries), ids sorted in memory, then filter n != 3");
    assertThat(explain(q(C).where("n", ">", "3").where("n", "<", "2")))
        .isEqualTo("empty (no value of 'n' passes its filters)");
    assertThat(explain(q(C).where("id", "in", "[\"ib\",\"ia\"]").desc("n")))
        .isEqualTo("point-gets ids [ia, ib], then filter id in [\"ib\", \"ia\"], then sort in memory by n desc, id desc");
    assertThat(explain(q(C).desc("n").limit(5)))
        .isEqualTo("index-scan on n all values desc + documents missing 'n' merged at null, limit 5");
    assertThat(explain(q(C).asc("kind").desc("n")))
        .isEqualTo("index-scan on kind all values asc + documents missing 'kind' merged at null, then sort each run of equal 'kind' by kind asc, n desc, id desc");
    assertThat(explain(q(C).asc("kind").asc("id")))
        .as("the index already breaks ties by id: no run is re-sorted")
        .isEqualTo("index-scan on kind all values asc + documents missing 'kind' merged at null");
    assertThat(explain(q(C).desc("kind").asc("id")))
        .isEqualTo("index-scan on kind all values desc + documents missing 'kind' merged at null, then sort each run of equal 'kind' by kind desc, id asc, id asc");
    assertThat(explain(q(C).where("kind", "==", "\"k1\"").asc("kind").desc("n")))
        .isEqualTo("index-scan on kind == \"k1\" asc, then filter kind == \"k1\", then sort each run of equal 'kind' by kind asc, n desc, id desc");
    assertThat(explain(q(C).where("kind", "==", "\"k1\"").desc("n").limit(3)))
        .isEqualTo("index-scan on kind == \"k1\" (5 entries), then filter kind == \"k1\", then top 3 in memory by n desc, id desc");
    assertThat(explain(q(C).desc("id").limit(2)))
        .isEqualTo("collection-scan id desc, limit 2");
    assertThat(explain(q(C).asc("m.x").limit(3)))
        .isEqualTo("collection-scan id asc, then top 3 in memory by m.x asc, id asc");
    assertThat(explain(q(C).asc("m.x")))
        .isEqualTo("collection-scan id asc, then sort in memory by m.x asc, id asc");
    assertThat(explain(q(C).where("m.x", "==", "1").asc("m")))
        .isEqualTo("index-scan on m all map values asc, then filter m.x == 1");
    assertThat(explain(q(C).asc("createdAt")))
        .isEqualTo("index-scan on createdAt all values asc");
  }
}
