package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.store.Write;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write is committed only if its document is still what the rules judged. Each test places
 * another writer's change exactly between the rules' decision and the commit (through the
 * policy's test hook, on the deciding worker) and shows the owner-only rule holds: the request is
 * judged again on what is stored now.
 */
class JudgedWriteRaceTest {
  private static final String DB = "shared";
  private static final String RULES = """
      rules_version: '1'
      match:
        /databases/{database}/documents:
          match:
            /notes/{id}:
              allow:
                read: "request.auth.userId != null"
                create: "request.resource.data.owner == request.auth.userId"
                update, delete: "resource.data.owner == request.auth.userId"
      """;

  @TempDir
  Path dir;
  TestServer server;
  String alice;
  String bob;
  String bobId;

  @BeforeEach
  void start() {
    server = new TestServer(dir);
    server.createDatabase(DB);
    var pushed = server.send("POST", "/admin/rules/push?database=" + DB, RULES, "application/yaml", server.adminToken());
    assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
    alice = server.signup("alice", "Alice-Password-1");
    bob = server.signup("bob", "Bobby-Password-1");
    bobId = server.identity.auth().userByName("bob").orElseThrow().id();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String dbId() {
    return server.identity.databases().resolveForData(DB).id();
  }

  /** Runs {@code change} once, right after the first decision about {@code path}. */
  private void betweenDecisionAndCommit(String path, Runnable change) {
    AtomicBoolean done = new AtomicBoolean();
    Consumer<RequestPolicy.Operation> hook = op -> {
      if (op.path().equals(path) && done.compareAndSet(false, true)) {
        change.run();
      }
    };
    server.gateway.policy.afterDecision = hook;
  }

  private void storeWrite(String path, String json) {
    server.store.write(new Write.Replace(dbId(), DocumentPath.of(path), (MapValue) Json.parse(json), List.of()));
  }

  private MapValue stored(String path) {
    return server.store.get(dbId(), DocumentPath.of(path)).orElseThrow().toFlat();
  }

  private double rejudged() {
    String line = server.get("/metrics").body().lines().filter(l -> l.startsWith("syntrix_writes_rejudged_total"))
        .findFirst().orElseThrow();
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  @Test
  void aPutJudgedAsACreateDoesNotOverwriteADocumentSomeoneElseCreatedMeanwhile() {
    betweenDecisionAndCommit("notes/n1", () -> storeWrite("notes/n1", "{\"owner\":\"alice\",\"text\":\"mine\"}"));
    server.token = bob;
    var put = server.put(docs(DB, "notes/n1"), "{\"doc\":{\"owner\":\"" + bobId + "\",\"text\":\"bob's\"}}");
    assertThat(put.status()).as("judged again as an update of alice's note: " + put.body()).isEqualTo(403);
    assertThat(stored("notes/n1").get("owner")).isEqualTo(new StringValue("alice"));
    assertThat(stored("notes/n1").get("text")).isEqualTo(new StringValue("mine"));
    assertThat(rejudged()).isEqualTo(1);
  }

  @Test
  void aPatchIsNotAppliedToADocumentWhoseOwnerChangedMeanwhile() {
    storeWrite("notes/n2", "{\"owner\":\"" + bobId + "\",\"text\":\"draft\"}");
    betweenDecisionAndCommit("notes/n2", () -> storeWrite("notes/n2", "{\"owner\":\"alice\",\"text\":\"handed over\"}"));
    server.token = bob;
    var patch = server.patch(docs(DB, "notes/n2"), "{\"doc\":{\"text\":\"bob edits\"}}");
    assertThat(patch.status()).as(patch.body()).isEqualTo(403);
    assertThat(stored("notes/n2").get("text")).isEqualTo(new StringValue("handed over"));
  }

  @Test
  void aDeleteIsNotAppliedToADocumentWhoseOwnerChangedMeanwhile() {
    storeWrite("notes/n3", "{\"owner\":\"" + bobId + "\"}");
    betweenDecisionAndCommit("notes/n3", () -> storeWrite("notes/n3", "{\"owner\":\"alice\"}"));
    server.token = bob;
    assertThat(server.delete(docs(DB, "notes/n3"), null).status()).isEqualTo(403);
    assertThat(stored("notes/n3").get("owner")).isEqualTo(new StringValue("alice"));
  }

  @Test
  void aChangeTheRulesStillAllowGoesThroughAfterBeingJudgedAgain() {
    storeWrite("notes/n4", "{\"owner\":\"" + bobId + "\",\"text\":\"a\",\"n\":1}");
    betweenDecisionAndCommit("notes/n4",
        () -> storeWrite("notes/n4", "{\"owner\":\"" + bobId + "\",\"text\":\"a\",\"n\":2}"));
    server.token = bob;
    var patch = server.patch(docs(DB, "notes/n4"), "{\"doc\":{\"text\":\"b\"}}");
    assertThat(patch.status()).as(patch.body()).isEqualTo(200);
    assertThat(patch.object().get("text")).isEqualTo(new StringValue("b"));
    assertThat(patch.object().get("n")).as("merged onto what is stored now").isEqualTo(Json.parse("2"));
    assertThat(patch.object().get("version")).isEqualTo(Json.parse("3"));
    assertThat(rejudged()).isEqualTo(1);
  }

  @Test
  void aDocumentThatKeepsChangingUnderTheRequestEndsIn409() {
    storeWrite("notes/n5", "{\"owner\":\"" + bobId + "\",\"n\":0}");
    int[] n = {0};
    server.gateway.policy.afterDecision = op -> {
      if (op.path().equals("notes/n5")) {
        storeWrite("notes/n5", "{\"owner\":\"" + bobId + "\",\"n\":" + ++n[0] + "}");
      }
    };
    server.token = bob;
    var patch = server.patch(docs(DB, "notes/n5"), "{\"doc\":{\"text\":\"b\"}}");
    assertThat(patch.status()).as(patch.body()).isEqualTo(409);
    assertThat(patch.errorCode()).isEqualTo("CONFLICT");
    assertThat(patch.body()).contains("changed while the request was being authorised");
    assertThat(n[0]).as("judged three times").isEqualTo(3);
    assertThat(stored("notes/n5").get("text")).isNull();
  }

  /** A pushed change whose document changed after the rules allowed it comes back as a conflict, unapplied. */
  @Test
  void aPushedChangeIsNotAppliedToADocumentSomeoneElseCreatedMeanwhile() {
    betweenDecisionAndCommit("notes/n6", () -> storeWrite("notes/n6", "{\"owner\":\"alice\"}"));
    server.token = bob;
    var push = server.post("/replication/v1/databases/" + DB + "/push", "{\"collection\":\"notes\",\"changes\":["
        + "{\"action\":\"update\",\"document\":{\"id\":\"n6\",\"owner\":\"" + bobId + "\"}}]}");
    assertThat(push.status()).as(push.body()).isEqualTo(200);
    MapValue conflict = (MapValue) ((io.syntrix.model.ArrayValue) push.object().get("conflicts")).elements().get(0);
    assertThat(conflict.get("owner")).as("the server's copy").isEqualTo(new StringValue("alice"));
    assertThat(stored("notes/n6").get("owner")).isEqualTo(new StringValue("alice"));
  }
}
