package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.store.Write;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Write semantics every store must have: versions, timestamps, tombstones, upserts, shallow
 * patches, {@code ifMatch} preconditions, validation before anything is written, database
 * isolation.
 */
public abstract class DocumentWriteContract extends StoreContractSupport {

  @Test
  void createStartsAtVersionOneWithEqualTimestamps() {
    long before = System.currentTimeMillis();
    ChangeEvent e = store.write(new Write.Create(DB, path("users/alice"), json("{\"name\":\"Alice\",\"age\":30}")));
    Document d = e.after();
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.createdAt()).isEqualTo(d.updatedAt()).isBetween(before, System.currentTimeMillis());
    assertThat(d.deleted()).isFalse();
    assertThat(d.data()).isEqualTo(json("{\"name\":\"Alice\",\"age\":30}"));
    assertThat(e.op()).isEqualTo(Op.CREATE);
    assertThat(e.before()).isNull();
    assertThat(e.seq()).isEqualTo(1);
    assertThat(store.get(DB, path("users/alice"))).contains(d);
  }

  @Test
  void createOverALiveDocumentConflictsAndWritesNothing() {
    store.create(DB, path("users/alice"), json("{\"a\":1}"));
    assertFailsWith(ErrorCode.CONFLICT, () -> store.create(DB, path("users/alice"), json("{\"a\":2}")));
    assertThat(store.get(DB, path("users/alice")).orElseThrow().data()).isEqualTo(json("{\"a\":1}"));
    assertThat(lastSeq()).isEqualTo(1);
  }

  /** A write conditioned on what the rules judged: applied as is when the document is unchanged. */
  @Test
  void aJudgedWriteAppliesWhileTheDocumentIsAsJudged() {
    ChangeEvent created = store.write(new Write.Judged(
        new Write.Replace(DB, path("users/alice"), json("{\"a\":1}"), List.of()), 0));
    assertThat(created.op()).as("judged absent, still absent: an upsert creates").isEqualTo(Op.CREATE);
    ChangeEvent patched = store.write(new Write.Judged(
        new Write.Patch(DB, path("users/alice"), json("{\"b\":2}"), List.of()), 1));
    assertThat(patched.after().data()).isEqualTo(json("{\"a\":1,\"b\":2}"));
    ChangeEvent deleted = store.write(new Write.Judged(new Write.Delete(DB, path("users/alice"), List.of()), 2));
    assertThat(deleted.after().deleted()).isTrue();
    ChangeEvent again = store.write(new Write.Judged(
        new Write.Replace(DB, path("users/alice"), json("{\"c\":3}"), List.of()), 0));
    assertThat(again.op()).as("a tombstone counts as absent").isEqualTo(Op.CREATE);
  }

  @Test
  void aJudgedWriteWhoseDocumentChangedFailsAndWritesNothing() {
    assertFailsWith(ErrorCode.CONFLICT, () -> store.write(new Write.Judged(
        new Write.Replace(DB, path("users/alice"), json("{\"a\":1}"), List.of()), 1)));
    store.create(DB, path("users/alice"), json("{\"a\":1}"));
    long seq = lastSeq();
    for (Write w : List.<Write>of(new Write.Replace(DB, path("users/alice"), json("{\"x\":1}"), List.of()),
        new Write.Patch(DB, path("users/alice"), json("{\"x\":1}"), List.of()),
        new Write.Delete(DB, path("users/alice"), List.of()))) {
      for (long judged : new long[] {0, 2}) {
        try {
          store.write(new Write.Judged(w, judged));
          throw new AssertionError(w + " judged at " + judged + " was applied over version 1");
        } catch (io.syntrix.store.StoreException.Changed expected) {
          assertThat(expected.code()).isEqualTo(ErrorCode.CONFLICT);
          assertThat(expected.getMessage()).contains("users/alice").contains("version " + judged);
        }
      }
    }
    assertThat(store.get(DB, path("users/alice")).orElseThrow().data()).isEqualTo(json("{\"a\":1}"));
    assertThat(lastSeq()).isEqualTo(seq);
  }

  @Test
  void createOverATombstoneRestartsAtVersionOne() throws InterruptedException {
    Document first = store.create(DB, path("users/alice"), json("{\"a\":1}"));
    store.delete(DB, path("users/alice"), List.of());
    Thread.sleep(2);
    ChangeEvent again = store.write(new Write.Create(DB, path("users/alice"), json("{\"b\":2}")));
    assertThat(again.op()).isEqualTo(Op.CREATE);
    assertThat(again.before()).as("a tombstone is not a live 'before'").isNull();
    assertThat(again.after().version()).isEqualTo(1);
    assertThat(again.after().createdAt()).isGreaterThan(first.createdAt());
    assertThat(again.after().data()).isEqualTo(json("{\"b\":2}"));
  }

  @Test
  void clientIdInTheBodyMustMatchThePathAndIsNotStoredAsData() {
    Document d = store.create(DB, path("users/alice"), json("{\"id\":\"alice\",\"a\":1}"));
    assertThat(d.data()).isEqualTo(json("{\"a\":1}"));
    assertThat(d.toFlat().get("id")).isEqualTo(new StringValue("alice"));
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> store.create(DB, path("users/bob"), json("{\"id\":\"carol\"}")));
  }

  @Test
  void replaceSwapsTheWholeDataAndBumpsVersion() throws InterruptedException {
    Document v1 = store.create(DB, path("users/alice"), json("{\"a\":1,\"b\":2}"));
    Thread.sleep(2);
    ChangeEvent e = store.write(new Write.Replace(DB, path("users/alice"), json("{\"c\":3}"), List.of()));
    assertThat(e.op()).isEqualTo(Op.UPDATE);
    assertThat(e.before()).isEqualTo(v1);
    assertThat(e.after().data()).isEqualTo(json("{\"c\":3}"));
    assertThat(e.after().version()).isEqualTo(2);
    assertThat(e.after().createdAt()).isEqualTo(v1.createdAt());
    assertThat(e.after().updatedAt()).isGreaterThan(v1.updatedAt());
  }

  @Test
  void replaceOfAMissingDocumentCreatesIt() {
    ChangeEvent e = store.write(new Write.Replace(DB, path("users/new"), json("{\"x\":true}"), List.of()));
    assertThat(e.op()).isEqualTo(Op.CREATE);
    assertThat(e.after().version()).isEqualTo(1);
  }

  @Test
  void replaceOfAMissingDocumentWithIfMatchFailsThePrecondition() {
    assertFailsWith(ErrorCode.PRECONDITION_FAILED, () -> store.replace(DB, path("users/new"), json("{}"),
        ifMatch("[{\"field\":\"version\",\"op\":\"==\",\"value\":1}]")));
    assertThat(store.get(DB, path("users/new"), true)).isEmpty();
  }

  @Test
  void patchMergesTopLevelFieldsOnly() {
    store.create(DB, path("users/alice"), json("{\"a\":1,\"nested\":{\"x\":1,\"y\":2},\"keep\":\"k\"}"));
    Document d = store.patch(DB, path("users/alice"), json("{\"a\":2,\"nested\":{\"z\":3},\"n\":null}"), List.of());
    assertThat(d.data()).isEqualTo(json("{\"a\":2,\"nested\":{\"z\":3},\"keep\":\"k\",\"n\":null}"));
    assertThat(d.version()).isEqualTo(2);
  }

  @Test
  void patchOfAMissingOrDeletedDocumentIsNotFound() {
    assertFailsWith(ErrorCode.NOT_FOUND, () -> store.patch(DB, path("users/none"), json("{\"a\":1}"), List.of()));
    store.create(DB, path("users/gone"), json("{\"a\":1}"));
    store.delete(DB, path("users/gone"), List.of());
    assertFailsWith(ErrorCode.NOT_FOUND, () -> store.patch(DB, path("users/gone"), json("{\"a\":1}"), List.of()));
  }

  @Test
  void patchWithNothingButTheIdIsRefused() {
    store.create(DB, path("users/alice"), json("{\"a\":1}"));
    assertFailsWith(ErrorCode.BAD_REQUEST,
        () -> store.patch(DB, path("users/alice"), json("{\"id\":\"alice\"}"), List.of()));
  }

  @Test
  void deleteLeavesAnEmptyTombstoneWithTheNextVersion() {
    Document live = store.create(DB, path("users/alice"), json("{\"a\":1}"));
    ChangeEvent e = store.write(new Write.Delete(DB, path("users/alice"), List.of()));
    assertThat(e.op()).isEqualTo(Op.DELETE);
    assertThat(e.before()).isEqualTo(live);
    assertThat(e.liveAfter()).isNull();
    Document tombstone = store.get(DB, path("users/alice"), true).orElseThrow();
    assertThat(tombstone.deleted()).isTrue();
    assertThat(tombstone.data().isEmpty()).isTrue();
    assertThat(tombstone.version()).isEqualTo(2);
    assertThat(tombstone.createdAt()).isEqualTo(live.createdAt());
    assertThat(store.get(DB, path("users/alice"))).isEmpty();
    assertFailsWith(ErrorCode.NOT_FOUND, () -> store.delete(DB, path("users/alice"), List.of()));
    assertFailsWith(ErrorCode.NOT_FOUND, () -> store.delete(DB, path("users/never"), List.of()));
  }

  @Test
  void everyWriteBumpsTheVersionByOne() {
    store.create(DB, path("c/d"), json("{\"n\":0}"));
    for (int i = 1; i <= 5; i++) {
      assertThat(store.patch(DB, path("c/d"), json("{\"n\":" + i + "}"), List.of()).version()).isEqualTo(i + 1);
    }
    assertThat(store.delete(DB, path("c/d"), List.of()).version()).isEqualTo(7);
  }

  @Test
  void ifMatchOnVersionGuardsReplacePatchAndDelete() {
    store.create(DB, path("c/d"), json("{\"status\":\"open\"}"));
    String v1 = "[{\"field\":\"version\",\"op\":\"==\",\"value\":1}]";
    store.replace(DB, path("c/d"), json("{\"status\":\"closed\"}"), ifMatch(v1));
    assertFailsWith(ErrorCode.PRECONDITION_FAILED, () -> store.replace(DB, path("c/d"), json("{}"), ifMatch(v1)));
    assertFailsWith(ErrorCode.PRECONDITION_FAILED, () -> store.patch(DB, path("c/d"), json("{\"x\":1}"), ifMatch(v1)));
    assertFailsWith(ErrorCode.PRECONDITION_FAILED, () -> store.delete(DB, path("c/d"), ifMatch(v1)));
    Document unchanged = store.get(DB, path("c/d")).orElseThrow();
    assertThat(unchanged.version()).isEqualTo(2);
    assertThat(unchanged.data()).isEqualTo(json("{\"status\":\"closed\"}"));
    store.delete(DB, path("c/d"), ifMatch("[{\"field\":\"version\",\"op\":\"==\",\"value\":2}]"));
    assertThat(store.get(DB, path("c/d"))).isEmpty();
  }

  @Test
  void ifMatchFiltersAreAllAndedWithD4Semantics() {
    store.create(DB, path("c/d"), json("{\"n\":5,\"tags\":[\"a\",\"b\"],\"m\":{\"k\":\"v\"}}"));
    store.patch(DB, path("c/d"), json("{\"x\":1}"), ifMatch(
        "[{\"field\":\"n\",\"op\":\">=\",\"value\":5.0},{\"field\":\"tags\",\"op\":\"contains\",\"value\":\"b\"},"
            + "{\"field\":\"m.k\",\"op\":\"==\",\"value\":\"v\"}]"));
    // Two conditions on one field both apply (the original kept only the last).
    assertFailsWith(ErrorCode.PRECONDITION_FAILED, () -> store.patch(DB, path("c/d"), json("{\"x\":2}"), ifMatch(
        "[{\"field\":\"n\",\"op\":\">\",\"value\":1},{\"field\":\"n\",\"op\":\"<\",\"value\":5}]")));
    // A missing field never matches, not even with !=.
    assertFailsWith(ErrorCode.PRECONDITION_FAILED, () -> store.patch(DB, path("c/d"), json("{\"x\":3}"),
        ifMatch("[{\"field\":\"absent\",\"op\":\"!=\",\"value\":1}]")));
    assertThat(store.get(DB, path("c/d")).orElseThrow().version()).isEqualTo(2);
  }

  @Test
  void unknownIfMatchOperatorIsRejectedBeforeTheStore() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ifMatch("[{\"field\":\"a\",\"op\":\"~=\",\"value\":1}]"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("~=");
  }

  @Test
  void systemFieldsInClientDataAreDropped() {
    Document d = store.create(DB, path("c/d"),
        json("{\"id\":\"d\",\"version\":9,\"createdAt\":3,\"updatedAt\":4,\"collection\":\"x\",\"deleted\":true,\"a\":1}"));
    assertThat(d.data()).isEqualTo(json("{\"a\":1}"));
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.deleted()).isFalse();
  }

  @Test
  void invalidInputIsRefusedAndNothingIsWritten() {
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> store.create(DB, path("c/d"), json("{\"id\":1.5}")));
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> store.create(DB, path("c/d"), json("{\"id\":\"x\"}")));
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> store.patch(DB, path("c/d"), json("{\"version\":3}"), List.of()));
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> store.create("bad db", path("c/d"), json("{}")));
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> store.create(DB, path("c/d"), deep(21)));
    assertFailsWith(ErrorCode.PAYLOAD_TOO_LARGE, () -> store.create(DB, path("c/d"),
        MapValue.builder().put("big", new StringValue("x".repeat((1 << 20) + 1))).build()));
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> path("c/d/e"));
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> path("c//d"));
    assertFailsWith(ErrorCode.BAD_REQUEST, () -> path("c/d$"));
    assertThat(store.get(DB, path("c/d"), true)).isEmpty();
    assertThat(lastSeq()).isZero();
    store.create(DB, path("c/d"), deep(20));
  }

  @Test
  void aPatchThatWouldGrowTheDocumentPastTheLimitIsRefused() {
    String half = "x".repeat(600_000);
    store.create(DB, path("c/d"), MapValue.builder().put("a", new StringValue(half)).build());
    assertFailsWith(ErrorCode.PAYLOAD_TOO_LARGE, () -> store.patch(DB, path("c/d"),
        MapValue.builder().put("b", new StringValue(half)).build(), List.of()));
    assertThat(store.get(DB, path("c/d")).orElseThrow().version()).isEqualTo(1);
  }

  /** A document whose nesting, counting itself, is {@code levels} deep. */
  private static MapValue deep(int levels) {
    MapValue m = json("{\"leaf\":1}");
    for (int i = 1; i < levels; i++) {
      m = MapValue.builder().put("n", m).build();
    }
    return m;
  }

  @Test
  void databasesAreIsolated() {
    store.create("a", path("users/u1"), json("{\"db\":\"a\"}"));
    assertThat(store.get("b", path("users/u1"))).isEmpty();
    store.create("b", path("users/u1"), json("{\"db\":\"b\"}"));
    store.delete("a", path("users/u1"), List.of());
    assertThat(store.get("b", path("users/u1")).orElseThrow().data()).isEqualTo(json("{\"db\":\"b\"}"));
    assertThat(drain(store.scanCollection("a", path("users/u1").collection(), null, false))).isEmpty();
    assertThat(drain(store.scanCollection("b", path("users/u1").collection(), null, false))).hasSize(1);
  }

  @Test
  void writesFromManyThreadsGetUniqueGapFreeSeqsAndStrictVersions() {
    int threads = 4;
    int perThread = 200;
    List<CompletableFuture<ChangeEvent>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      store.create(DB, path("c/doc" + i), json("{\"n\":0}"));
    }
    List<Thread> workers = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < perThread; i++) {
          var f = store.writeAsync(new Write.Patch(DB, path("c/doc" + (i % 10)), json("{\"t\":" + thread + "}"), List.of()));
          synchronized (futures) {
            futures.add(f);
          }
        }
      }));
    }
    workers.forEach(w -> {
      try {
        w.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    List<ChangeEvent> events = futures.stream().map(CompletableFuture::join).toList();
    assertThat(events.stream().mapToLong(ChangeEvent::seq).sorted().toArray())
        .containsExactly(java.util.stream.LongStream.rangeClosed(11, 10 + threads * perThread).toArray());
    for (int i = 0; i < 10; i++) {
      assertThat(store.get(DB, path("c/doc" + i)).orElseThrow().version()).isEqualTo(1 + threads * perThread / 10);
    }
  }
}
