package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.store.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The query API over HTTP: semantics the original's tests expect, bad input, pagination, index use. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiTest {
  private static final String QUERY = "/api/v1/databases/default/query";
  @TempDir
  static Path dir;
  TestServer server;

  @BeforeAll
  void start() {
    server = new TestServer(dir);
    String[] products = {
        "{\"id\":\"apple\",\"category\":\"fruit\",\"price\":0.5,\"stock\":100,\"tags\":[\"red\",\"sweet\"],\"origin\":{\"country\":\"NZ\"}}",
        "{\"id\":\"banana\",\"category\":\"fruit\",\"price\":0.25,\"stock\":150,\"tags\":[\"yellow\"],\"origin\":{\"country\":\"EC\"}}",
        "{\"id\":\"cherry\",\"category\":\"fruit\",\"price\":3,\"stock\":200,\"tags\":[\"red\"],\"origin\":{\"country\":\"US\"}}",
        "{\"id\":\"carrot\",\"category\":\"vegetable\",\"price\":0.75,\"stock\":300,\"tags\":[\"orange\"]}",
        "{\"id\":\"odd\",\"category\":\"misc\",\"price\":\"cheap\",\"stock\":null}",
        "{\"id\":\"gone\",\"category\":\"fruit\",\"price\":0.1,\"stock\":5}"};
    for (String p : products) {
      assertThat(server.post(docs("default", "products"), p).status()).isEqualTo(201);
    }
    assertThat(server.delete(docs("default", "products/gone"), null).status()).isEqualTo(204);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private List<String> ids(String body) {
    var r = server.post(QUERY, body);
    assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(200);
    assertThat(r.body()).startsWith("[").endsWith("]\n");
    List<String> ids = new ArrayList<>();
    for (Value v : ((ArrayValue) r.json()).elements()) {
      ids.add(((StringValue) ((MapValue) v).get("id")).value());
    }
    return ids;
  }

  private static String q(String rest) {
    return "{\"collection\":\"products\"" + (rest.isEmpty() ? "" : "," + rest) + "}";
  }

  @Test
  void filtersOrderAndLimitFollowD4() {
    assertThat(ids(q(""))).containsExactly("apple", "banana", "carrot", "cherry", "odd");
    assertThat(ids(q("\"filters\":[{\"field\":\"category\",\"op\":\"==\",\"value\":\"fruit\"},"
        + "{\"field\":\"price\",\"op\":\"<\",\"value\":1.0}]"))).containsExactly("apple", "banana");
    assertThat(ids(q("\"orderBy\":[{\"field\":\"price\",\"direction\":\"desc\"}],"
        + "\"filters\":[{\"field\":\"category\",\"op\":\"==\",\"value\":\"fruit\"}]"))).containsExactly("cherry", "apple", "banana");
    assertThat(ids(q("\"orderBy\":[{\"field\":\"price\",\"direction\":\"asc\"}],\"limit\":2"))).containsExactly("banana", "apple");
    assertThat(ids(q("\"filters\":[{\"field\":\"stock\",\"op\":\">=\",\"value\":150}]"))).containsExactly("banana", "carrot", "cherry");
    assertThat(ids(q("\"filters\":[{\"field\":\"category\",\"op\":\"in\",\"value\":[\"vegetable\",\"misc\"]}]")))
        .containsExactly("carrot", "odd");
    assertThat(ids(q("\"filters\":[{\"field\":\"category\",\"op\":\"not-in\",\"value\":[\"fruit\",\"misc\"]}]")))
        .containsExactly("carrot");
    assertThat(ids(q("\"filters\":[{\"field\":\"category\",\"op\":\"!=\",\"value\":\"fruit\"}]"))).containsExactly("carrot", "odd");
    assertThat(ids(q("\"filters\":[{\"field\":\"tags\",\"op\":\"contains\",\"value\":\"red\"}]"))).containsExactly("apple", "cherry");
    assertThat(ids(q("\"filters\":[{\"field\":\"tags\",\"op\":\"array-contains-any\",\"value\":[\"orange\",\"yellow\"]}]")))
        .containsExactly("banana", "carrot");
    assertThat(ids(q("\"filters\":[{\"field\":\"origin.country\",\"op\":\"==\",\"value\":\"NZ\"}]"))).containsExactly("apple");
  }

  @Test
  void rangesAreTypeBracketed() {
    assertThat(ids(q("\"filters\":[{\"field\":\"price\",\"op\":\"<\",\"value\":1}]")))
        .as("a string price never passes a numeric bound").containsExactly("apple", "banana", "carrot");
    assertThat(ids(q("\"filters\":[{\"field\":\"price\",\"op\":\">\",\"value\":\"\"}]"))).containsExactly("odd");
    assertThat(ids(q("\"filters\":[{\"field\":\"stock\",\"op\":\"<\",\"value\":1000}]"))).doesNotContain("odd");
  }

  @Test
  void showDeletedIncludesTombstones() {
    assertThat(ids(q("\"filters\":[{\"field\":\"id\",\"op\":\"==\",\"value\":\"gone\"}]"))).isEmpty();
    var r = server.post(QUERY, q("\"filters\":[{\"field\":\"id\",\"op\":\"==\",\"value\":\"gone\"}],\"showDeleted\":true"));
    List<Value> docs = ((ArrayValue) r.json()).elements();
    assertThat(docs).hasSize(1);
    assertThat(((MapValue) docs.get(0)).get("deleted")).isEqualTo(io.syntrix.model.BooleanValue.TRUE);
  }

  @Test
  void badQueriesAre400Json() {
    String[] bad = {
        "{not json", "[]", "{}", "{\"collection\":\"products/apple\"}", "{\"collection\":5}",
        q("\"limit\":1001"), q("\"limit\":-1"), q("\"limit\":\"10\""), q("\"limit\":1.5"),
        q("\"filters\":[{\"field\":\"a\",\"op\":\"like\",\"value\":1}]"),
        q("\"filters\":[{\"field\":\"a\",\"op\":\"in\",\"value\":5}]"),
        q("\"filters\":[{\"field\":\"\",\"op\":\"==\",\"value\":5}]"),
        q("\"filters\":{\"field\":\"a\"}"),
        q("\"orderBy\":[{\"field\":\"a\",\"direction\":\"up\"}]"),
        q("\"orderBy\":[{\"field\":\"a\"}]"),
        q("\"showDeleted\":\"yes\""),
        q("\"startAfter\":5"),
        q("\"orderBy\":[{\"field\":\"price\",\"direction\":\"asc\"}],\"startAfter\":\"no-such-doc\""),
        q("\"unknown\":1"),
    };
    for (String body : bad) {
      var r = server.post(QUERY, body);
      assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void paginationWithStartAfterVisitsEveryDocumentOnceInOrder() {
    List<CompletableFuture<?>> writes = new ArrayList<>();
    String db = server.identity.databases().find("default").orElseThrow().id();
    for (int i = 0; i < 2500; i++) {
      String data = "{\"bucket\":" + (i % 7) + (i % 11 == 0 ? "" : ",\"rank\":" + (i % 37)) + "}";
      writes.add(server.store.writeAsync(new Write.Create(db, DocumentPath.of("pages/p" + String.format("%04d", i)),
          (MapValue) io.syntrix.model.Json.parse(data))));
    }
    writes.forEach(CompletableFuture::join);
    for (String order : new String[] {"", "\"orderBy\":[{\"field\":\"rank\",\"direction\":\"desc\"}],",
        "\"orderBy\":[{\"field\":\"bucket\",\"direction\":\"asc\"},{\"field\":\"rank\",\"direction\":\"asc\"}],"}) {
      List<String> seen = new ArrayList<>();
      String after = null;
      for (int page = 0; page < 30; page++) {
        List<String> ids = ids("{\"collection\":\"pages\"," + order + "\"limit\":100"
            + (after == null ? "" : ",\"startAfter\":\"" + after + "\"") + "}");
        if (ids.isEmpty()) {
          break;
        }
        assertThat(ids.size()).isLessThanOrEqualTo(100);
        seen.addAll(ids);
        after = ids.get(ids.size() - 1);
      }
      List<String> all = ids("{\"collection\":\"pages\"," + order + "\"limit\":0}");
      assertThat(all).as("limit 0 returns every matching document").hasSize(2500);
      assertThat(seen).as(order).containsExactlyElementsOf(all);
      Set<String> unique = new HashSet<>(seen);
      assertThat(unique).hasSize(2500);
    }
  }

  @Test
  void explainShowsAnEqualityQueryReadingOnlyMatchingEntries() {
    String db = server.identity.databases().find("default").orElseThrow().id();
    List<CompletableFuture<?>> writes = new ArrayList<>();
    // 4,000 documents in 40 groups; written 1,000 at a time, within either engine's write queue.
    for (int i = 0; i < 4_000; i++) {
      writes.add(server.store.writeAsync(new Write.Create(db, DocumentPath.of("big/d" + i),
          (MapValue) io.syntrix.model.Json.parse("{\"group\":" + (i % 40) + "}"))));
      if (writes.size() == 1_000) {
        writes.forEach(CompletableFuture::join);
        writes.clear();
      }
    }
    writes.forEach(CompletableFuture::join);
    var r = server.post(QUERY + "/explain", "{\"collection\":\"big\",\"filters\":[{\"field\":\"group\",\"op\":\"==\",\"value\":7}]}");
    assertThat(r.status()).isEqualTo(200);
    MapValue explain = r.object();
    assertThat(((StringValue) explain.get("plan")).value()).contains("group");
    assertThat(explain.get("returned")).isEqualTo(IntegerValue.of(100));
    assertThat(explain.get("documentsExamined")).isEqualTo(IntegerValue.of(100));
    assertThat(server.get("/metrics").body()).contains("syntrix_query_documents_examined_total");
  }
}
