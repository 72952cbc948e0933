package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.syntrix.testkit.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replication pull and push over HTTP: commit order, deletes, checkpoints, conflicts. */
class ReplicationApiTest {
  private static final String PULL = "/replication/v1/databases/default/pull?collection=";
  private static final String PUSH = "/replication/v1/databases/default/push";
  @TempDir
  Path dir;
  TestServer server;
  final MovableClock clock = new MovableClock();

  private TestServer start() {
    server = new TestServer(dir, clock);
    return server;
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private record Pulled(List<MapValue> documents, String checkpoint) {
    List<String> ids() {
      return documents.stream().map(d -> ((StringValue) d.get("id")).value()).toList();
    }
  }

  private Pulled pull(String collection, String checkpoint, int limit) {
    var r = server.get(PULL + collection + "&checkpoint=" + checkpoint + "&limit=" + limit);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    MapValue body = r.object();
    List<MapValue> documents = new ArrayList<>();
    for (Value v : ((ArrayValue) body.get("documents")).elements()) {
      documents.add((MapValue) v);
    }
    return new Pulled(documents, ((StringValue) body.get("checkpoint")).value());
  }

  @Test
  void pullReturnsChangesInCommitOrderIncludingDeletesOncePerDocument() {
    start();
    server.post(docs("default", "notes"), "{\"id\":\"b\",\"n\":1}");
    server.post(docs("default", "notes"), "{\"id\":\"a\",\"n\":1}");
    server.post(docs("default", "other"), "{\"id\":\"x\"}");
    server.post(docs("default", "notes/a/sub"), "{\"id\":\"s\"}");
    server.createDatabase("elsewhere");
    server.post(docs("elsewhere", "notes"), "{\"id\":\"z\"}");
    server.patch(docs("default", "notes/b"), "{\"doc\":{\"n\":2}}");
    server.delete(docs("default", "notes/a"), null);

    Pulled all = pull("notes", "0", 0);
    assertThat(all.ids()).containsExactly("b", "a");
    assertThat(all.documents().get(0).get("n")).isEqualTo(IntegerValue.of(2));
    assertThat(all.documents().get(1).get("deleted")).isEqualTo(BooleanValue.TRUE);
    assertThat(all.documents().get(1).get("version")).isEqualTo(IntegerValue.of(2));
    assertThat(all.checkpoint()).isEqualTo("7");

    assertThat(pull("notes", all.checkpoint(), 0).documents()).isEmpty();
    server.patch(docs("default", "notes/b"), "{\"doc\":{\"n\":3}}");
    Pulled next = pull("notes", all.checkpoint(), 0);
    assertThat(next.ids()).containsExactly("b");
    assertThat(next.checkpoint()).isEqualTo("8");
  }

  @Test
  void pagesWithALimitNeitherSkipNorRepeat() {
    start();
    for (int i = 0; i < 25; i++) {
      server.post(docs("default", "notes"), "{\"id\":\"d" + i + "\"}");
      server.post(docs("default", "noise"), "{\"id\":\"n" + i + "\"}");
    }
    List<String> seen = new ArrayList<>();
    String checkpoint = "0";
    for (int round = 0; round < 10; round++) {
      Pulled page = pull("notes", checkpoint, 10);
      assertThat(page.documents().size()).isLessThanOrEqualTo(10);
      seen.addAll(page.ids());
      checkpoint = page.checkpoint();
      if (page.documents().isEmpty()) {
        break;
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      expected.add("d" + i);
    }
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void aForeignCheckpointFromTheGoServerStartsOverInsteadOfLoopingForever() {
    start();
    server.post(docs("default", "notes"), "{\"id\":\"a\"}");
    Pulled pulled = pull("notes", Long.toString(System.currentTimeMillis()), 0);
    assertThat(pulled.ids()).containsExactly("a");
    assertThat(pulled.checkpoint()).isEqualTo("1");
  }

  @Test
  void aCheckpointOlderThanRetentionGetsASnapshotThenTheLog() {
    start();
    for (int i = 0; i < 5; i++) {
      server.post(docs("default", "notes"), "{\"id\":\"d" + i + "\"}");
    }
    server.delete(docs("default", "notes/d1"), null);
    clock.advance(Duration.ofDays(31));
    server.purgeExpired();
    server.post(docs("default", "notes"), "{\"id\":\"late\"}");
    server.purgeExpired(); // the store's clock is 31 days ahead: d1's tombstone and the whole log are gone

    Pulled first = pull("notes", "2", 2);
    assertThat(first.ids()).containsExactly("d0", "d2");
    assertThat(first.checkpoint()).isEqualTo("7~d2");
    Pulled second = pull("notes", first.checkpoint(), 2);
    assertThat(second.ids()).containsExactly("d3", "d4");
    Pulled third = pull("notes", second.checkpoint(), 2);
    assertThat(third.ids()).containsExactly("late");
    assertThat(third.checkpoint()).isEqualTo("7");
    assertThat(pull("notes", third.checkpoint(), 2).documents()).isEmpty();
  }

  @Test
  void pullRejectsBadParameters() {
    start();
    assertThat(server.get("/replication/v1/databases/default/pull?checkpoint=0").status()).isEqualTo(400);
    assertThat(server.get(PULL + "notes").status()).isEqualTo(400);
    assertThat(server.get(PULL + "notes&checkpoint=abc").status()).isEqualTo(400);
    assertThat(server.get(PULL + "notes&checkpoint=-1").status()).isEqualTo(400);
    assertThat(server.get(PULL + "notes&checkpoint=0&limit=1001").status()).isEqualTo(400);
    assertThat(server.get(PULL + "notes/x&checkpoint=0").status()).isEqualTo(400);
  }

  @Test
  void pushAppliesChangesAndReturnsConflictsWithTheServerCopy() {
    start();
    server.post(docs("default", "notes"), "{\"id\":\"a\",\"v\":\"server\"}");
    server.patch(docs("default", "notes/a"), "{\"doc\":{\"v\":\"server2\"}}"); // version 2
    var r = server.post(PUSH, """
        {"collection":"notes","changes":[
          {"action":"create","document":{"id":"new","v":"client"}},
          {"action":"update","document":{"id":"a","v":"stale","version":1}},
          {"action":"delete","document":{"id":"unknown"}}
        ]}""");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<Value> conflicts = ((ArrayValue) r.object().get("conflicts")).elements();
    assertThat(conflicts).hasSize(1);
    MapValue conflict = (MapValue) conflicts.get(0);
    assertThat(conflict.get("id")).isEqualTo(new StringValue("a"));
    assertThat(conflict.get("v")).isEqualTo(new StringValue("server2"));
    assertThat(conflict.get("version")).isEqualTo(IntegerValue.of(2));
    assertThat(server.get(docs("default", "notes/new")).object().get("v")).isEqualTo(new StringValue("client"));
    assertThat(server.store.get("default", io.syntrix.model.DocumentPath.of("notes/unknown"), true))
        .as("a delete of an unknown id creates nothing").isEmpty();

    var ok = server.post(PUSH, """
        {"collection":"notes","changes":[
          {"action":"update","document":{"id":"a","v":"client","version":2,"updatedAt":5}},
          {"action":"delete","document":{"id":"new","version":1}}
        ]}""");
    assertThat(((ArrayValue) ok.object().get("conflicts")).elements()).isEmpty();
    MapValue a = server.get(docs("default", "notes/a")).object();
    assertThat(a.get("v")).isEqualTo(new StringValue("client"));
    assertThat(a.get("version")).isEqualTo(IntegerValue.of(3));
    assertThat(server.get(docs("default", "notes/new")).status()).isEqualTo(404);
  }

  @Test
  void pushRejectsMalformedBatchesWithoutApplyingAnyChange() {
    start();
    String[] bodies = {
        "{\"collection\":\"notes\",\"changes\":[]}",
        "{\"collection\":\"notes\"}",
        "{\"changes\":[{\"document\":{\"id\":\"a\"}}]}",
        "{\"collection\":\"notes\",\"changes\":[{\"document\":{\"id\":\"a\"}},{\"document\":{\"x\":1}}]}",
        "{\"collection\":\"notes\",\"changes\":[{\"document\":{\"id\":\"a\",\"version\":\"1\"}}]}",
        "{\"collection\":\"notes\",\"changes\":[{\"document\":{\"id\":\"a\"},\"extra\":1}]}",
        "{\"collection\":\"notes/x\",\"changes\":[{\"document\":{\"id\":\"a\"}}]}",
    };
    for (String body : bodies) {
      var r = server.post(PUSH, body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("BAD_REQUEST");
    }
    assertThat(server.store.changeLog().lastSeq()).isZero();
  }

  @Test
  void pushAcceptsBodiesUpTo10MiBAndRefusesLarger() {
    start();
    StringBuilder changes = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      changes.append(i == 0 ? "" : ",").append("{\"document\":{\"id\":\"d").append(i).append("\",\"pad\":\"")
          .append("x".repeat(900_000)).append("\"}}");
    }
    var ok = server.post(PUSH, "{\"collection\":\"notes\",\"changes\":[" + changes + "]}");
    assertThat(ok.status()).as("3.6 MB is over the 1 MiB limit of other endpoints but fine for push").isEqualTo(200);
    var tooBig = server.post(PUSH, "{\"collection\":\"notes\",\"changes\":[{\"document\":{\"id\":\"x\",\"pad\":\""
        + "x".repeat(11 << 20) + "\"}}]}");
    assertThat(tooBig.status()).isEqualTo(413);
  }

  private Pulled pull(String db, String collection, String checkpoint, String limitParam) {
    var r = server.get("/replication/v1/databases/" + db + "/pull?collection=" + collection + "&checkpoint=" + checkpoint
        + limitParam);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).endsWith("}\n");
    MapValue body = r.object();
    List<MapValue> documents = new ArrayList<>();
    for (Value v : ((ArrayValue) body.get("documents")).elements()) {
      documents.add((MapValue) v);
    }
    return new Pulled(documents, ((StringValue) body.get("checkpoint")).value());
  }

  private void createMany(String db, String collection, int n, String extra) {
    createMany(db, collection, 0, n, extra);
  }

  /** Documents {@code d<from>} to {@code d<from + n - 1>} (four digits at least), written straight to the store. */
  private void createMany(String db, String collection, int from, int n, String extra) {
    String dbId = server.identity.databases().find(db).orElseThrow().id();
    List<java.util.concurrent.CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      writes.add(server.store.writeAsync(new io.syntrix.store.Write.Create(dbId,
          io.syntrix.model.DocumentPath.of(collection + "/d" + String.format("%04d", i)),
          (MapValue) io.syntrix.model.Json.parse("{\"i\":" + i + extra + "}"))));
    }
    writes.forEach(java.util.concurrent.CompletableFuture::join);
  }

  @Test
  void pullDefaultsTo1000DocumentsAndRefusesALimitOverTheMaximum() {
    start();
    createMany("default", "notes", 1_200, "");
    Pulled unlimited = pull("default", "notes", "0", "");
    assertThat(unlimited.documents()).as("no limit: the default page").hasSize(ReplicationApi.DEFAULT_LIMIT);
    assertThat(unlimited.checkpoint()).isEqualTo("1000");
    assertThat(pull("default", "notes", "0", "&limit=0").documents()).as("0, the original's 'all'").hasSize(1_000);
    assertThat(pull("default", "notes", "0", "&limit=1000").documents()).hasSize(1_000);
    Pulled rest = pull("default", "notes", unlimited.checkpoint(), "");
    assertThat(rest.documents()).hasSize(200);
    // The two pages hold every document once. (Which 200 are left depends on the commit order of
    // the concurrent writes: on PostgreSQL several writer threads commit them.)
    List<String> both = new ArrayList<>(unlimited.ids());
    both.addAll(rest.ids());
    assertThat(both).doesNotHaveDuplicates().hasSize(1_200).allMatch(id -> id.matches("d(0\\d{3}|1[01]\\d{2})"));
    assertThat(rest.checkpoint()).isEqualTo("1200");
    var over = server.get(PULL + "notes&checkpoint=0&limit=1001");
    assertThat(over.status()).isEqualTo(400);
    assertThat(over.string("message")).contains("between 0 and 1000");
    assertThat(server.get(PULL + "notes&checkpoint=0&limit=-1").status()).isEqualTo(400);
    assertThat(server.get(PULL + "notes&checkpoint=0&limit=ten").status()).isEqualTo(400);
  }

  @Test
  void pullReadsOnlyTheRequestedDatabaseAndCollection() {
    start();
    server.createDatabase("elsewhere");
    for (int round = 0; round < 3; round++) { // interleaved: the same paths in two databases, a sibling and a subcollection
      createMany("elsewhere", "notes", round * 1000, 300, ",\"db\":\"elsewhere\",\"round\":" + round);
      createMany("default", "notes", round * 1000, 100 + round, ",\"db\":\"default\",\"round\":" + round);
      createMany("default", "notesx", round * 1000, 50, "");
      createMany("default", "notes/d0001/sub", round * 1000, 20, "");
    }
    List<MapValue> seen = new ArrayList<>();
    String checkpoint = "0";
    for (int page = 0; page < 20; page++) {
      Pulled p = pull("default", "notes", checkpoint, "&limit=40");
      seen.addAll(p.documents());
      checkpoint = p.checkpoint();
      if (p.documents().isEmpty()) {
        break;
      }
    }
    assertThat(seen).allSatisfy(d -> {
      assertThat(d.get("db")).isEqualTo(new StringValue("default"));
      assertThat(d.get("collection")).isEqualTo(new StringValue("notes"));
    });
    assertThat(seen).extracting(d -> ((StringValue) d.get("id")).value()).doesNotHaveDuplicates()
        .hasSize(100 + 101 + 102);
    assertThat(seen).filteredOn(d -> d.get("round").equals(IntegerValue.of(2))).hasSize(102);
    assertThat(checkpoint).isEqualTo(Long.toString(server.store.changeLog().lastSeq()));
    Pulled other = pull("elsewhere", "notes", "0", "");
    assertThat(other.documents()).hasSize(900).allSatisfy(d ->
        assertThat(d.get("db")).isEqualTo(new StringValue("elsewhere")));
  }

  @Test
  void aPushOfManyChangesIsAppliedInBoundedBatches() {
    start();
    double batchesBefore = pushBatches();
    StringBuilder changes = new StringBuilder();
    int n = 2_000;
    for (int i = 0; i < n; i++) {
      changes.append(i == 0 ? "" : ",").append("{\"document\":{\"id\":\"d").append(i).append("\",\"i\":").append(i)
          .append("}}");
    }
    // The same document again, three times in a row, each based on the version the previous one wrote.
    changes.append(",{\"document\":{\"id\":\"d7\",\"i\":-1,\"version\":1}}")
        .append(",{\"document\":{\"id\":\"d7\",\"i\":-2,\"version\":2}}")
        .append(",{\"action\":\"delete\",\"document\":{\"id\":\"d8\",\"version\":1}}")
        .append(",{\"document\":{\"id\":\"d7\",\"i\":-3,\"version\":2}}"); // stale: a conflict
    var r = server.post(PUSH, "{\"collection\":\"notes\",\"changes\":[" + changes + "]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<Value> conflicts = ((ArrayValue) r.object().get("conflicts")).elements();
    assertThat(conflicts).hasSize(1);
    assertThat(((MapValue) conflicts.get(0)).get("i")).isEqualTo(IntegerValue.of(-2));
    assertThat(server.store.changeLog().lastSeq()).isEqualTo(n + 3);
    MapValue d7 = server.get(docs("default", "notes/d7")).object();
    assertThat(d7.get("i")).isEqualTo(IntegerValue.of(-2));
    assertThat(d7.get("version")).isEqualTo(IntegerValue.of(3));
    assertThat(server.get(docs("default", "notes/d8")).status()).isEqualTo(404);
    assertThat(server.get(docs("default", "notes/d1999")).object().get("i")).isEqualTo(IntegerValue.of(1999));
    // 2,000 distinct documents and the first d7 fill 8 batches of at most 256; each repeated d7 starts another.
    assertThat(pushBatches() - batchesBefore).isEqualTo(8 + 2);
  }

  private double pushBatches() {
    var m = java.util.regex.Pattern.compile("(?m)^syntrix_replication_push_batches_total (\\S+)$")
        .matcher(server.get("/metrics").body());
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
