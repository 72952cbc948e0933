package io.syntrix.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** D4/D5 semantics through the engine, on a small catalogue with every kind of value in {@code price}. */
class QuerySemanticsTest extends QueryTestSupport {
  private static final String P = "products";

  @BeforeEach
  void catalogue() {
    put(P, "p1", "{\"name\":\"apple\",\"price\":1.5,\"qty\":10,\"tags\":[\"fruit\",\"red\"],"
        + "\"meta\":{\"color\":\"red\",\"size\":2},\"status\":\"active\"}");
    put(P, "p2", "{\"name\":\"banana\",\"price\":0.5,\"qty\":0,\"tags\":[\"fruit\",\"yellow\"],"
        + "\"meta\":{\"color\":\"yellow\",\"size\":3},\"status\":\"active\"}");
    put(P, "p3", "{\"name\":\"carrot\",\"price\":2,\"qty\":5,\"tags\":[\"vegetable\"],\"meta\":{\"color\":\"orange\"},"
        + "\"status\":\"sold\"}");
    put(P, "p4", "{\"name\":\"durian\",\"price\":\"expensive\",\"tags\":[],\"status\":\"active\"}");
    put(P, "p5", "{\"name\":\"egg\",\"price\":null,\"qty\":12,\"status\":\"archived\"}");
    put(P, "p6", "{\"name\":\"fig\",\"qty\":3,\"status\":\"active\"}");
    put(P, "p7", "{\"name\":\"grape\",\"price\":1,\"qty\":7,\"tags\":[\"fruit\"],\"meta\":{\"color\":\"green\",\"size\":1},"
        + "\"status\":\"sold\"}");
    put(P, "p8", "{\"name\":\"honey\",\"price\":false,\"qty\":1,\"status\":\"sold\"}");
    put("other", "p9", "{\"name\":\"apple\",\"price\":1.5,\"status\":\"active\"}");
  }

  @Test
  void noFiltersReturnsTheCollectionInIdOrder() {
    assertThat(ids(q(P))).containsExactly("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8");
  }

  @Test
  void equalityAndRangeAreBothApplied() {
    assertThat(ids(q(P).where("status", "==", "\"active\"").where("price", "<", "1"))).containsExactly("p2");
    assertThat(ids(q(P).where("status", "==", "\"active\"").where("price", "<", "2"))).containsExactly("p1", "p2");
    assertThat(ids(q(P).where("price", "<", "2").where("status", "==", "\"sold\""))).containsExactly("p7");
  }

  @Test
  void everyFilterApplies() {
    assertThat(ids(q(P).where("status", "==", "\"active\"").where("price", "!=", "1.5")
        .where("tags", "contains", "\"fruit\""))).containsExactly("p2");
    assertThat(ids(q(P).where("status", "in", "[\"active\",\"sold\"]").where("qty", ">=", "5")
        .where("tags", "array-contains-any", "[\"red\",\"vegetable\"]"))).containsExactly("p1", "p3");
  }

  @Test
  void rangesAreTypeBracketed() {
    assertThat(ids(q(P).where("price", "<", "1"))).as("no null, false, string or missing").containsExactly("p2");
    assertThat(ids(q(P).where("price", ">", "1"))).as("no strings").containsExactly("p1", "p3");
    assertThat(ids(q(P).where("price", ">=", "1.5"))).containsExactly("p1", "p3");
    assertThat(ids(q(P).where("price", ">=", "1").where("price", "<=", "1.5"))).containsExactly("p1", "p7");
    assertThat(ids(q(P).where("price", ">", "\"\""))).containsExactly("p4");
    assertThat(ids(q(P).where("price", "<=", "true"))).containsExactly("p8");
    assertThat(ids(q(P).where("price", "==", "null"))).containsExactly("p5");
  }

  @Test
  void contradictoryRangesAreEmpty() {
    assertThat(ids(q(P).where("price", ">", "2").where("price", "<", "1"))).isEmpty();
    assertThat(ids(q(P).where("price", ">", "1").where("price", "<", "\"z\""))).isEmpty();
    assertThat(ids(q(P).where("price", ">=", "2").where("price", "<=", "2"))).containsExactly("p3");
    assertThat(ids(q(P).where("price", ">", "2").where("price", "<=", "2"))).isEmpty();
  }

  @Test
  void inNotInAndNotEqualNeedAPresentFieldOfTheSameClass() {
    assertThat(ids(q(P).where("status", "in", "[\"sold\",\"archived\"]"))).containsExactly("p3", "p5", "p7", "p8");
    assertThat(ids(q(P).where("price", "in", "[1, 2.0, \"expensive\", null]"))).containsExactly("p3", "p4", "p5", "p7");
    assertThat(ids(q(P).where("status", "not-in", "[\"active\"]"))).containsExactly("p3", "p5", "p7", "p8");
    assertThat(ids(q(P).where("price", "not-in", "[1, 2]"))).as("numbers only").containsExactly("p1", "p2");
    assertThat(ids(q(P).where("price", "!=", "1.5"))).as("numbers only").containsExactly("p2", "p3", "p7");
    assertThat(ids(q(P).where("price", "!=", "null"))).isEmpty();
    assertThat(ids(q(P).where("price", "not-in", "[1, \"x\"]"))).as("mixed classes can never hold").isEmpty();
  }

  @Test
  void arrayContainsAndContainsAny() {
    assertThat(ids(q(P).where("tags", "contains", "\"fruit\""))).containsExactly("p1", "p2", "p7");
    assertThat(ids(q(P).where("tags", "array-contains", "\"fruit\""))).containsExactly("p1", "p2", "p7");
    assertThat(ids(q(P).where("tags", "array-contains-any", "[\"red\",\"vegetable\"]"))).containsExactly("p1", "p3");
    assertThat(ids(q(P).where("tags", "==", "[]"))).containsExactly("p4");
    assertThat(ids(q(P).where("tags", "==", "[\"fruit\",\"red\"]"))).containsExactly("p1");
  }

  @Test
  void nestedFieldsFilterAndSort() {
    assertThat(ids(q(P).where("meta.color", "==", "\"red\""))).containsExactly("p1");
    assertThat(ids(q(P).where("meta.size", ">", "1"))).containsExactly("p1", "p2");
    assertThat(ids(q(P).where("meta", "==", "{\"color\":\"orange\"}"))).containsExactly("p3");
    assertThat(ids(q(P).desc("meta.size"))).as("missing sorts as null, last when descending")
        .containsExactly("p2", "p1", "p7", "p8", "p6", "p5", "p4", "p3");
    assertThat(ids(q(P).asc("meta.size").limit(5))).containsExactly("p3", "p4", "p5", "p6", "p8");
    assertThat(ids(q(P).where("meta.size", ">=", "1").asc("meta"))).containsExactly("p7", "p1", "p2");
  }

  @Test
  void orderByDescendingPutsMissingAndNullLastWithTiesByIdDescending() {
    assertThat(ids(q(P).desc("price"))).containsExactly("p4", "p3", "p1", "p7", "p2", "p8", "p6", "p5");
  }

  @Test
  void orderByAscendingPutsMissingAndNullFirstWithTiesByIdAscending() {
    assertThat(ids(q(P).asc("price"))).containsExactly("p5", "p6", "p8", "p2", "p7", "p1", "p3", "p4");
  }

  @Test
  void orderByWithAFilterOnTheFieldHasNoMissingDocuments() {
    assertThat(ids(q(P).where("price", ">", "0").desc("price"))).containsExactly("p3", "p1", "p7", "p2");
    assertThat(ids(q(P).where("price", "in", "[2, 0.5, 1]").desc("price"))).containsExactly("p3", "p7", "p2");
    assertThat(ids(q(P).where("tags", "contains", "\"fruit\"").asc("tags"))).containsExactly("p7", "p1", "p2");
  }

  @Test
  void limitCutsTheOrderedResult() {
    assertThat(ids(q(P).desc("price").limit(3))).containsExactly("p4", "p3", "p1");
    assertThat(ids(q(P).asc("price").limit(1))).containsExactly("p5");
    assertThat(ids(q(P).limit(2))).containsExactly("p1", "p2");
    assertThat(ids(q(P).where("status", "==", "\"active\"").limit(2))).containsExactly("p1", "p2");
  }

  @Test
  void multiFieldOrderByWithMixedDirections() {
    assertThat(ids(q(P).asc("status").desc("price")))
        .containsExactly("p4", "p1", "p2", "p6", "p5", "p3", "p7", "p8");
    assertThat(ids(q(P).desc("status").asc("price")))
        .containsExactly("p8", "p7", "p3", "p5", "p6", "p2", "p1", "p4");
    assertThat(ids(q(P).desc("status").asc("price").limit(4))).containsExactly("p8", "p7", "p3", "p5");
  }

  @Test
  void tiesAreBrokenByIdInTheDirectionOfTheLastOrderBy() {
    assertThat(ids(q(P).desc("status"))).containsExactly("p8", "p7", "p3", "p5", "p6", "p4", "p2", "p1");
    assertThat(ids(q(P).asc("status"))).containsExactly("p1", "p2", "p4", "p6", "p5", "p3", "p7", "p8");
    assertThat(ids(q(P).desc("status").asc("name").where("status", "==", "\"sold\"")))
        .containsExactly("p3", "p7", "p8");
    assertThat(ids(q(P).asc("status").desc("tags").where("status", "==", "\"active\"")))
        .as("p4 [] and p6 missing: ties of the last orderBy (desc) then by id desc")
        .containsExactly("p2", "p1", "p4", "p6");
  }

  @Test
  void orderByIdInBothDirections() {
    assertThat(ids(q(P).desc("id"))).containsExactly("p8", "p7", "p6", "p5", "p4", "p3", "p2", "p1");
    assertThat(ids(q(P).asc("id").where("status", "==", "\"sold\""))).containsExactly("p3", "p7", "p8");
    assertThat(ids(q(P).desc("id").startAfter("p5").limit(2))).containsExactly("p4", "p3");
  }

  @Test
  void idFiltersArePointReads() {
    assertThat(ids(q(P).where("id", "==", "\"p3\""))).containsExactly("p3");
    assertThat(ids(q(P).where("id", "in", "[\"p7\",\"p1\",\"nope\",\"p9\",3]"))).containsExactly("p1", "p7");
    assertThat(ids(q(P).where("id", "in", "[\"p7\",\"p1\",\"p2\"]").desc("price"))).containsExactly("p1", "p7", "p2");
    assertThat(ids(q(P).where("id", "in", "[\"p7\",\"p1\",\"p2\"]").where("price", ">", "0.5")))
        .containsExactly("p1", "p7");
    assertThat(ids(q(P).where("id", ">", "\"p6\""))).containsExactly("p7", "p8");
  }

  @Test
  void systemFieldsFilterAndSort() {
    store.patch(DB, CollectionPath.of(P).document("p3"), (MapValue) Json.parse("{\"qty\":6}"), List.of());
    assertThat(ids(q(P).where("version", "==", "2"))).containsExactly("p3");
    assertThat(ids(q(P).where("version", ">", "1.5"))).containsExactly("p3");
    assertThat(ids(q(P).desc("updatedAt").limit(1))).containsExactly("p3");
    assertThat(ids(q(P).where("collection", "==", "\"products\"").limit(1))).containsExactly("p1");
    assertThat(ids(q(P).where("collection", "==", "\"other\""))).isEmpty();
  }

  @Test
  void tombstonesOnlyWithShowDeleted() {
    delete(P, "p2");
    assertThat(ids(q(P))).doesNotContain("p2");
    assertThat(ids(q(P).showDeleted())).containsExactly("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8");
    assertThat(ids(q(P).where("status", "==", "\"active\"").showDeleted())).as("tombstones have no data")
        .containsExactly("p1", "p4", "p6");
    assertThat(ids(q(P).where("deleted", "==", "true").showDeleted())).containsExactly("p2");
    assertThat(ids(q(P).where("deleted", "==", "true"))).isEmpty();
    assertThat(ids(q(P).where("version", "==", "2"))).as("the tombstone's version entry is skipped").isEmpty();
    assertThat(ids(q(P).where("version", "==", "2").showDeleted())).containsExactly("p2");
    assertThat(ids(q(P).asc("price").showDeleted())).as("a tombstone sorts as missing")
        .containsExactly("p2", "p5", "p6", "p8", "p7", "p1", "p3", "p4");
    assertThat(ids(q(P).desc("price").showDeleted()))
        .containsExactly("p4", "p3", "p1", "p7", "p8", "p6", "p5", "p2");
    Document tomb = run(q(P).where("id", "==", "\"p2\"").showDeleted()).get(0);
    assertThat(tomb.deleted()).isTrue();
  }

  @Test
  void startAfterContinuesAfterTheNamedDocument() {
    assertThat(ids(q(P).startAfter("p4").limit(2))).containsExactly("p5", "p6");
    assertThat(ids(q(P).startAfter("p45"))).as("any id works without orderBy").containsExactly("p5", "p6", "p7", "p8");
    assertThat(ids(q(P).desc("price").startAfter("p1").limit(3))).containsExactly("p7", "p2", "p8");
    assertThat(ids(q(P).asc("price").startAfter("p5").limit(2))).as("from inside the null run").containsExactly("p6", "p8");
    assertThat(ids(q(P).desc("price").startAfter("p6"))).containsExactly("p5");
    assertThat(ids(q(P).asc("status").desc("price").startAfter("p2"))).containsExactly("p6", "p5", "p3", "p7", "p8");
    assertThat(ids(q(P).where("status", "==", "\"active\"").startAfter("p2"))).containsExactly("p4", "p6");
  }

  @Test
  void startAfterAnUnknownDocumentIsInvalidWhenOrdering() {
    assertThatThrownBy(() -> ids(q(P).asc("price").startAfter("nope"))).isInstanceOf(InvalidInputException.class);
    delete(P, "p1");
    assertThatThrownBy(() -> ids(q(P).asc("price").startAfter("p1"))).isInstanceOf(InvalidInputException.class);
    assertThat(ids(q(P).asc("price").startAfter("p1").showDeleted()).get(0)).as("tombstone sorts as missing: p1 < p5")
        .isEqualTo("p5");
  }
}
