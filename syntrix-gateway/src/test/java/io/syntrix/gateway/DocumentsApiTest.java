package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documents API over HTTP against the real server: every status code and error body of reference §3. */
class DocumentsApiTest {
  @TempDir
  Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static MapValue obj(String json) {
    return (MapValue) Json.parse(json);
  }

  @Test
  void createReturns201WithTheFlattenedDocument() {
    var r = server.post(docs("default", "rooms/r1/messages"), "{\"id\":\"m1\",\"text\":\"hi\",\"n\":1.5}");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    MapValue d = r.object();
    assertThat(d.get("id")).isEqualTo(new StringValue("m1"));
    assertThat(d.get("collection")).isEqualTo(new StringValue("rooms/r1/messages"));
    assertThat(d.get("text")).isEqualTo(new StringValue("hi"));
    assertThat(d.get("version")).isEqualTo(IntegerValue.of(1));
    assertThat(d.get("createdAt")).isEqualTo(d.get("updatedAt"));
    assertThat(d.get("deleted")).as("live documents carry no deleted flag").isNull();
    assertThat(r.body()).endsWith("\n");

    var got = server.get(docs("default", "rooms/r1/messages/m1"));
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.object()).isEqualTo(d);
  }

  /**
   * The SDK's read-modify-write: the document as the server returned it (system fields and all)
   * goes back as the body of PUT, PATCH and POST. The server's fields win; the client's are dropped.
   */
  @Test
  void aDocumentAsReadCanBeWrittenBackAndTheServerKeepsItsOwnSystemFields() throws Exception {
    MapValue created = server.post(docs("default", "counters"), "{\"id\":\"c1\",\"n\":1}").object();
    Thread.sleep(2); // so a bumped updatedAt differs
    MapValue read = server.get(docs("default", "counters/c1")).object();
    MapValue changed = MapValue.builder().putAll(read).put("n", IntegerValue.of(2))
        .put("version", IntegerValue.of(99)).put("createdAt", IntegerValue.of(5)).put("deleted", IntegerValue.of(1))
        .build();
    var put = server.put(docs("default", "counters/c1"), "{\"doc\":" + Json.toString(changed) + "}");
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    MapValue after = put.object();
    assertThat(after.get("n")).isEqualTo(IntegerValue.of(2));
    assertThat(after.get("version")).as("bumped by the server, not taken from the body").isEqualTo(IntegerValue.of(2));
    assertThat(after.get("createdAt")).isEqualTo(created.get("createdAt"));
    assertThat(after.get("collection")).isEqualTo(new StringValue("counters"));
    assertThat(after.get("deleted")).isNull();
    assertThat(after.fields().keySet()).containsExactlyInAnyOrder("id", "collection", "version", "createdAt",
        "updatedAt", "n");

    MapValue patchBody = MapValue.builder().putAll(after).put("n", IntegerValue.of(3)).build();
    var patch = server.patch(docs("default", "counters/c1"), "{\"doc\":" + Json.toString(patchBody) + "}");
    assertThat(patch.status()).as(patch.body()).isEqualTo(200);
    assertThat(patch.object().get("n")).isEqualTo(IntegerValue.of(3));
    assertThat(patch.object().get("version")).isEqualTo(IntegerValue.of(3));

    var onlySystem = server.patch(docs("default", "counters/c1"), "{\"doc\":{\"id\":\"c1\",\"version\":7}}");
    assertThat(onlySystem.status()).as("nothing left to update").isEqualTo(400);

    MapValue copy = MapValue.builder().putAll(patch.object()).put("id", new StringValue("c2")).build();
    var post = server.post(docs("default", "counters"), Json.toString(copy));
    assertThat(post.status()).as(post.body()).isEqualTo(201);
    assertThat(post.object().get("version")).isEqualTo(IntegerValue.of(1));
    assertThat(post.object().get("n")).isEqualTo(IntegerValue.of(3));

    var otherId = server.put(docs("default", "counters/c1"), "{\"doc\":{\"id\":\"c9\",\"n\":1}}");
    assertThat(otherId.status()).as("the body's id must still be the path's").isEqualTo(400);
  }

  @Test
  void aNonStringIdIs400() {
    for (String id : new String[] {"42", "1.5", "true", "[\"a\"]"}) {
      var r = server.post(docs("default", "users"), "{\"id\":" + id + ",\"a\":1}");
      assertThat(r.status()).as(id).isEqualTo(400);
      assertThat(r.body()).contains("document id must be a string");
    }
    assertThat(server.get(docs("default", "users/42")).status()).isEqualTo(404);
  }

  @Test
  void createWithoutAnIdGeneratesOne() {
    var r = server.post(docs("default", "users"), "{\"name\":\"x\"}");
    assertThat(r.status()).isEqualTo(201);
    String id = ((StringValue) r.object().get("id")).value();
    assertThat(id).matches("[0-9a-f-]{36}");
    assertThat(server.get(docs("default", "users/" + id)).status()).isEqualTo(200);
  }

  @Test
  void createOfAnExistingDocumentIs409AndOverATombstoneRestartsAtVersion1() {
    server.post(docs("default", "users"), "{\"id\":\"a\"}");
    var again = server.post(docs("default", "users"), "{\"id\":\"a\",\"x\":1}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("CONFLICT");
    assertThat(server.delete(docs("default", "users/a"), null).status()).isEqualTo(204);
    var recreated = server.post(docs("default", "users"), "{\"id\":\"a\",\"x\":2}");
    assertThat(recreated.status()).isEqualTo(201);
    assertThat(recreated.object().get("version")).isEqualTo(IntegerValue.of(1));
  }

  @Test
  void getOfMissingOrDeletedIs404Json() {
    var missing = server.get(docs("default", "users/none"));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("NOT_FOUND");
    assertThat(missing.object().get("message")).isInstanceOf(StringValue.class);
    server.post(docs("default", "users"), "{\"id\":\"gone\"}");
    server.delete(docs("default", "users/gone"), null);
    assertThat(server.get(docs("default", "users/gone")).status()).isEqualTo(404);
  }

  @Test
  void putReplacesAndUpserts() {
    var created = server.put(docs("default", "users/u1"), "{\"doc\":{\"a\":1,\"b\":2}}");
    assertThat(created.status()).isEqualTo(200);
    assertThat(created.object().get("version")).isEqualTo(IntegerValue.of(1));
    var replaced = server.put(docs("default", "users/u1"), "{\"doc\":{\"c\":3}}");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.object().get("version")).isEqualTo(IntegerValue.of(2));
    assertThat(replaced.object().get("a")).isNull();
    assertThat(replaced.object().get("c")).isEqualTo(IntegerValue.of(3));
  }

  @Test
  void patchMergesShallowlyAnd404sOnMissing() {
    server.post(docs("default", "users"), "{\"id\":\"u\",\"a\":1,\"m\":{\"x\":1}}");
    var patched = server.patch(docs("default", "users/u"), "{\"doc\":{\"b\":2,\"m\":{\"y\":2}}}");
    assertThat(patched.status()).isEqualTo(200);
    MapValue d = patched.object();
    assertThat(d.get("a")).isEqualTo(IntegerValue.of(1));
    assertThat(d.get("b")).isEqualTo(IntegerValue.of(2));
    assertThat(d.get("m")).isEqualTo(obj("{\"y\":2}"));
    assertThat(server.patch(docs("default", "users/none"), "{\"doc\":{\"b\":2}}").status()).isEqualTo(404);
    assertThat(server.patch(docs("default", "users/u"), "{\"doc\":{\"id\":\"u\"}}").status()).isEqualTo(400);
  }

  @Test
  void ifMatchFailureIs412AndWritesNothing() {
    server.post(docs("default", "users"), "{\"id\":\"u\",\"a\":1}");
    String stale = "{\"doc\":{\"a\":2},\"ifMatch\":[{\"field\":\"version\",\"op\":\"==\",\"value\":7}]}";
    var put = server.put(docs("default", "users/u"), stale);
    assertThat(put.status()).isEqualTo(412);
    assertThat(put.errorCode()).isEqualTo("PRECONDITION_FAILED");
    assertThat(server.patch(docs("default", "users/u"), stale).status()).isEqualTo(412);
    assertThat(server.delete(docs("default", "users/u"), "{\"ifMatch\":[{\"field\":\"a\",\"op\":\">\",\"value\":5}]}")
        .status()).isEqualTo(412);
    assertThat(server.get(docs("default", "users/u")).object().get("version")).isEqualTo(IntegerValue.of(1));
    String fresh = "{\"doc\":{\"a\":2},\"ifMatch\":[{\"field\":\"version\",\"op\":\"==\",\"value\":1}]}";
    assertThat(server.put(docs("default", "users/u"), fresh).status()).isEqualTo(200);
    assertThat(server.delete(docs("default", "users/u"), "{\"ifMatch\":[{\"field\":\"version\",\"op\":\"==\",\"value\":2}]}")
        .status()).isEqualTo(204);
  }

  @Test
  void deleteIs204ThenMissing() {
    server.post(docs("default", "users"), "{\"id\":\"u\"}");
    var r = server.delete(docs("default", "users/u"), null);
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(server.delete(docs("default", "users/u"), null).status()).isEqualTo(404);
  }

  @Test
  void badInputIs400JsonAndNothingIsWritten() {
    String[][] cases = {
        {"POST", docs("default", "users"), "{not json"},
        {"POST", docs("default", "users"), "[1,2]"},
        {"POST", docs("default", "users"), ""},
        {"POST", docs("default", "users"), "{\"id\":42}"},
        {"POST", docs("default", "users"), "{\"id\":1.5}"},
        {"POST", docs("default", "users"), "{\"id\":\"bad id\"}"},
        {"POST", docs("default", "users/u1"), "{}"},
        {"POST", docs("default", "us$ers"), "{}"},
        {"GET", docs("default", "users"), null},
        {"GET", docs("default", "users//x"), null},
        {"PUT", docs("default", "users/u1"), "{\"a\":1}"},
        {"PUT", docs("default", "users/u1"), "{\"doc\":5}"},
        {"PUT", docs("default", "users/u1"), "{\"doc\":{},\"extra\":1}"},
        {"PUT", docs("default", "users/u1"), "{\"doc\":{},\"ifMatch\":[{\"field\":\"a\",\"op\":\"~\",\"value\":1}]}"},
        {"PUT", docs("default", "users/u1"), "{\"doc\":{\"id\":\"other\"}}"},
        {"PATCH", docs("default", "users/u1"), "{\"doc\":{\"createdAt\":1}}"},
        {"DELETE", docs("default", "users/u1"), "{\"ifMatch\":5}"},
    };
    for (String[] c : cases) {
      var r = server.send(c[0], c[1], c[2]);
      assertThat(r.status()).as("%s %s %s -> %s", c[0], c[1], c[2], r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
    }
    assertThat(server.store.changeLog().lastSeq()).isZero();
  }

  @Test
  void unknownDatabasesAre404DatabaseNotFound() {
    for (String db : new String[] {"bad$db", "nosuchdb", "id:0123456789abcdef", "id:zz"}) {
      var r = server.get(docs(db, "users/u1"));
      assertThat(r.status()).as(db).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("DATABASE_NOT_FOUND");
    }
  }

  @Test
  void tooDeepDocumentsAre400AndTooLargeBodiesAre413() {
    String deep = "{\"a\":".repeat(21) + "1" + "}".repeat(21);
    assertThat(server.post(docs("default", "users"), deep).status()).isEqualTo(400);
    String big = "{\"big\":\"" + "x".repeat((1 << 20) + 10) + "\"}";
    var r = server.post(docs("default", "users"), big);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("REQUEST_TOO_LARGE");
    assertThat(server.store.changeLog().lastSeq()).isZero();
  }

  @Test
  void unknownRoutesAndMethodsAreJsonErrors() {
    var unknown = server.get("/api/v1/nothing");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("NOT_FOUND");
    var method = server.send("PUT", "/api/v1/databases/default/query", "{}");
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.errorCode()).isEqualTo("METHOD_NOT_ALLOWED");
  }

  @Test
  void databasesAreSeparate() {
    server.createDatabase("alpha");
    server.createDatabase("beta");
    server.post(docs("alpha", "users"), "{\"id\":\"u\",\"db\":\"alpha\"}");
    assertThat(server.get(docs("beta", "users/u")).status()).isEqualTo(404);
    server.post(docs("beta", "users"), "{\"id\":\"u\",\"db\":\"beta\"}");
    assertThat(server.get(docs("alpha", "users/u")).object().get("db")).isEqualTo(new StringValue("alpha"));
  }

  @Test
  void everyResponseCarriesARequestIdAndSecurityHeaders() {
    var r = server.get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("OK\n");
    assertThat(r.headers().firstValue("X-Request-ID")).isPresent();
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }
}
