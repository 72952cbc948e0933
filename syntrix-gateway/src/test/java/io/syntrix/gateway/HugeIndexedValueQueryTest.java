package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values too large for an index entry (over 1,500 bytes, Firestore's cap) are stored and found
 * over HTTP exactly like small ones: by equality, by range, in order and across pages. The store
 * keeps them out of the index and merges them back into every index scan.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HugeIndexedValueQueryTest {
  private static final String QUERY = "/api/v1/databases/default/query";
  private static final String H = "h".repeat(2000);
  @TempDir
  static Path dir;
  TestServer server;

  @BeforeAll
  void start() {
    server = new TestServer(dir);
    String[][] notes = {{"n1", q(H)}, {"n2", q(H + "a")}, {"n3", q("h".repeat(1400))}, {"n4", q("b")}, {"n5", q(H)},
        {"n6", q("z")}, {"n7", "[" + q(H) + ",1]"}, {"n8", "7"}, {"n9", q(H + "b")}};
    for (String[] n : notes) {
      var r = server.post(docs("default", "notes"), "{\"id\":\"" + n[0] + "\",\"v\":" + n[1] + ",\"k\":1}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    assertThat(server.delete(docs("default", "notes/n9"), null).status()).isEqualTo(204);
  }

  @AfterAll
  void stop() {
    assertThat(server.integrityProblems()).isEmpty();
    server.close();
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }

  private static String filter(String op, String value) {
    return "{\"field\":\"v\",\"op\":\"" + op + "\",\"value\":" + value + "}";
  }

  private List<String> ids(String filters, String orderBy, String rest) {
    String body = "{\"collection\":\"notes\",\"filters\":[" + filters + "]"
        + (orderBy.isEmpty() ? "" : ",\"orderBy\":[" + orderBy + "]") + rest + "}";
    var r = server.post(QUERY, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (Value v : ((ArrayValue) r.json()).elements()) {
      ids.add(((StringValue) ((MapValue) v).get("id")).value());
    }
    return ids;
  }

  @Test
  void equalityFindsEveryCopyOfAHugeValue() {
    assertThat(ids(filter("==", q(H)), "", "")).containsExactlyInAnyOrder("n1", "n5");
    assertThat(ids(filter("==", q(H + "a")), "", "")).containsExactly("n2");
    assertThat(ids(filter("==", q(H + "b")), "", "")).as("deleted").isEmpty();
    assertThat(ids(filter("in", "[" + q(H) + ",\"b\"]"), "", "")).containsExactlyInAnyOrder("n1", "n4", "n5");
    assertThat(ids(filter("array-contains", q(H)), "", "")).containsExactly("n7");
  }

  @Test
  void rangesMixHugeAndSmallValuesInOrder() {
    String asc = "{\"field\":\"v\",\"direction\":\"asc\"}";
    String desc = "{\"field\":\"v\",\"direction\":\"desc\"}";
    assertThat(ids(filter(">", q("h".repeat(1999))), asc, "")).containsExactly("n1", "n5", "n2", "n6");
    assertThat(ids(filter(">=", q("b")) + "," + filter("<", q(H + "a")), asc, ""))
        .containsExactly("n4", "n3", "n1", "n5");
    assertThat(ids(filter("<=", q(H)), desc, "")).first().isIn("n1", "n5");
    assertThat(ids(filter("<=", q(H)), desc, "")).hasSize(4).endsWith("n4");
    assertThat(ids(filter(">", q("b")), desc, ",\"limit\":2")).containsExactly("n6", "n2");
  }

  @Test
  void orderByAHugeFieldPagesThroughEveryDocument() {
    String asc = "{\"field\":\"v\",\"direction\":\"asc\"}";
    List<String> all = ids("{\"field\":\"k\",\"op\":\"==\",\"value\":1}", asc, "");
    assertThat(all).hasSize(8);
    assertThat(all.subList(0, 5)).containsExactly("n8", "n4", "n3", "n1", "n5");
    assertThat(all.subList(5, 8)).containsExactly("n2", "n6", "n7");
    List<String> paged = new ArrayList<>();
    String after = null;
    for (int page = 0; page < 10; page++) {
      List<String> ids = ids("{\"field\":\"k\",\"op\":\"==\",\"value\":1}", asc,
          ",\"limit\":2" + (after == null ? "" : ",\"startAfter\":\"" + after + "\""));
      if (ids.isEmpty()) {
        break;
      }
      paged.addAll(ids);
      after = ids.getLast();
    }
    assertThat(paged).containsExactlyElementsOf(all);
  }
}
