package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.store.ChangeLogTruncatedException;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.Write;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retention: change-log entries and tombstones older than the retention period (by the store's
 * clock, which the tests move) are purged, nothing younger and no live document is; the log keeps
 * its seqs, says where it now starts ({@code firstSeq}) and refuses reads from before it
 * ({@link ChangeLogTruncatedException}).
 *
 * <p>Writes are stamped by the engine's wall clock, so "older" is arranged by moving the store's
 * clock past them, or by setting it so the cutoff falls between two writes a few ms apart.
 */
public abstract class RetentionContract extends StoreContractSupport {
  protected static final Duration RETENTION = Duration.ofDays(30);
  private static final CollectionPath C = CollectionPath.of("c");
  protected final MovableClock clock = new MovableClock();

  /** A store on this test's storage (the same each call, so a second call reopens it), deciding retention by {@code clock}. */
  protected abstract DocumentStore openStore(Clock clock, Duration retention);

  /** Runs retention on {@code store} as of its clock until nothing expired is left. */
  protected abstract void purgeExpired(DocumentStore store);

  @Override
  protected final DocumentStore openStore() {
    return openStore(clock, RETENTION);
  }

  /** Seqs 1-3: "old" created and deleted (a tombstone), "live" created. */
  private void oldTombstoneAndLiveDocument() {
    store.create(DB, C.document("old"), json("{\"v\":1}"));
    store.delete(DB, C.document("old"), List.of());
    store.create(DB, C.document("live"), json("{\"v\":2}"));
  }

  @Test
  void nothingYoungerThanTheRetentionPeriodIsPurged() {
    oldTombstoneAndLiveDocument();
    purgeExpired(store);
    clock.advance(RETENTION.minusDays(1));
    purgeExpired(store);
    assertThat(store.changeLog().firstSeq()).isEqualTo(1);
    assertThat(store.changeLog().read(0, 10)).extracting(ChangeEvent::seq).containsExactly(1L, 2L, 3L);
    assertThat(store.get(DB, C.document("old"), true)).get().extracting(Document::deleted).isEqualTo(true);
  }

  @Test
  void expiredEntriesAndTombstonesGoLiveDocumentsStay() {
    oldTombstoneAndLiveDocument();
    clock.advance(RETENTION.plusDays(1));
    purgeExpired(store);
    assertThat(store.get(DB, C.document("old"), true)).isEmpty();
    assertThat(store.get(DB, C.document("live"))).get().extracting(d -> d.data()).isEqualTo(json("{\"v\":2}"));
    assertThat(drain(store.scanCollection(DB, C, null, true, false))).extracting(Document::id).containsExactly("live");
    assertThat(versionIndex()).extracting(IndexEntry::docId).containsExactly("live");
    assertThat(store.changeLog().lastSeq()).isEqualTo(3);
    assertThat(store.changeLog().firstSeq()).as("every entry purged").isEqualTo(4);
    assertThat(store.changeLog().read(3, 10)).isEmpty();
    assertThatThrownBy(() -> store.changeLog().read(0, 10)).isInstanceOf(ChangeLogTruncatedException.class)
        .satisfies(e -> assertThat(((ChangeLogTruncatedException) e).firstRetainedSeq()).isEqualTo(4));
    assertThatThrownBy(() -> store.changeLog().readCollection(1, 100, DB, C))
        .isInstanceOf(ChangeLogTruncatedException.class);
    assertThat(store.changeLog().readCollection(3, 100, DB, C).changes()).isEmpty();
  }

  @Test
  void theCutoffSeparatesWhatIsPurgedFromWhatIsKept() throws InterruptedException {
    store.create(DB, C.document("a"), json("{}"));            // 1
    store.create(DB, C.document("b"), json("{}"));            // 2
    store.delete(DB, C.document("a"), List.of());              // 3: an old tombstone
    Thread.sleep(50);
    long cutoff = System.currentTimeMillis();
    Thread.sleep(50);
    store.create(DB, C.document("c"), json("{}"));            // 4
    store.delete(DB, C.document("b"), List.of());              // 5: a young tombstone
    clock.set(Instant.ofEpochMilli(cutoff).plus(RETENTION));
    purgeExpired(store);
    assertThat(store.changeLog().firstSeq()).isEqualTo(4);
    assertThat(store.changeLog().read(3, 10)).extracting(ChangeEvent::seq).containsExactly(4L, 5L);
    assertThatThrownBy(() -> store.changeLog().read(2, 10)).isInstanceOf(ChangeLogTruncatedException.class);
    assertThat(store.get(DB, C.document("a"), true)).isEmpty();
    assertThat(store.get(DB, C.document("b"), true)).get().extracting(Document::deleted).isEqualTo(true);
    assertThat(versionIndex()).extracting(IndexEntry::docId).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void aRecreatedDocumentIsLiveAndStays() {
    store.create(DB, C.document("x"), json("{\"n\":1}"));
    store.delete(DB, C.document("x"), List.of());
    store.create(DB, C.document("x"), json("{\"n\":2}"));
    clock.advance(RETENTION.plusDays(1));
    purgeExpired(store);
    Document x = store.get(DB, C.document("x")).orElseThrow();
    assertThat(x.data()).isEqualTo(json("{\"n\":2}"));
    assertThat(versionIndex()).extracting(IndexEntry::docId).containsExactly("x");
  }

  @Test
  void aPurgedDocumentIsCreatedAfresh() {
    store.create(DB, C.document("x"), json("{\"n\":1}"));
    store.delete(DB, C.document("x"), List.of());
    clock.advance(RETENTION.plusDays(1));
    purgeExpired(store);
    store.create(DB, C.document("x"), json("{\"n\":2}"));
    assertThat(store.get(DB, C.document("x"))).get().extracting(Document::version).isEqualTo(1L);
    assertThat(store.changeLog().read(2, 10)).extracting(ChangeEvent::seq).containsExactly(3L);
  }

  @Test
  void theSeqSurvivesAFullyPurgedLog() {
    oldTombstoneAndLiveDocument();
    clock.advance(RETENTION.plusDays(1));
    purgeExpired(store);
    store.close();
    store = openStore();
    assertThat(store.changeLog().lastSeq()).isEqualTo(3);
    assertThat(store.changeLog().firstSeq()).isEqualTo(4);
    assertThat(store.write(new Write.Create(DB, C.document("old"), json("{}"))).seq()).isEqualTo(4);
    assertThat(store.changeLog().read(3, 10)).extracting(ChangeEvent::seq).containsExactly(4L);
    assertThat(store.changeLog().firstSeq()).isEqualTo(4);
  }

  private List<IndexEntry> versionIndex() {
    return drain(store.scanIndex(DB, C, "version", IndexRange.ALL, false, null));
  }
}
