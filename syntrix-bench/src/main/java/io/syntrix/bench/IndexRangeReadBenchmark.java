package io.syntrix.bench;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.Document;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.store.Cursor;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import io.syntrix.store.Write;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Index scans of {@link RocksDocumentStore} against the query they replace: a full collection
 * scan with the predicate evaluated in memory.
 *
 * <p><b>Data.</b> One collection of {@code n} documents (the write benchmark's message shape)
 * with {@code score} uniform in {@code [0, n)} and {@code room} uniform over {@code n / 100}
 * rooms, so both {@code room == r<k>} and {@code score in [x, x + 100)} match about 100
 * documents. Ids are UUIDs from a seeded generator. The load goes through {@code writeAsync} in
 * windows of 512 (so it is group-committed), then the store is closed and reopened: RocksDB
 * flushes the recovered memtable, so every read comes from SST files through the 64 MiB block
 * cache, which holds the whole data set once warm.
 *
 * <p><b>Figures.</b> Each benchmark reports ops/s (one op = one query) and, as the secondary
 * {@code entries} counter, entries or documents returned per second.
 * <ul>
 *   <li>{@code indexRoomEquals}: {@code scanIndex(room == r<k>)}, all ~100 entries.
 *   <li>{@code indexRoomEqualsThenGet}: the same plus a {@code get} of each document, which is
 *       what a query returning documents costs; compare this one with the baseline.
 *   <li>{@code indexScoreRangeAsc} / {@code Desc}: {@code scanIndex(score in [x, x+100))}, the
 *       first 100 entries in either direction.
 *   <li>{@code baselineScan*}: {@code scanCollection} over all {@code n} documents (each one
 *       decoded from JSON), the same predicate in memory; the score range also sorts its
 *       matches and keeps the first 100, as the indexed scan returns them in order.
 * </ul>
 * Keys ({@code k}, {@code x}) are drawn per invocation from a seeded generator.
 *
 * <p>Run (about 3.5 minutes; results and their reading in {@code docs/benchmarks.md}):
 * <pre>
 *   bin/syntrix-bench jmh IndexRangeReadBenchmark -f 1 -wi 2 -w 3s -i 5 -r 5s
 * </pre>
 * Add {@code -p n=10000} (or {@code -p n=10000,100000}) to see the index scans stay flat while
 * the baseline grows with n.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 5)
@Threads(1)
public class IndexRangeReadBenchmark {
  static final int LIMIT = 100;
  private static final int LOAD_WINDOW = 512;

  /** The loaded collection, built once per trial. */
  @State(Scope.Benchmark)
  public static class Data {
    @Param({"100000"})
    public int n;

    RocksDocumentStore store;
    int rooms;
    private Path dir;

    @Setup(Level.Trial)
    public void load() {
      dir = BenchData.freshDirectory("read");
      rooms = Math.max(1, n / 100);
      SplittableRandom random = new SplittableRandom(42);
      long start = System.nanoTime();
      try (RocksDocumentStore loading = RocksDocumentStore.open(RocksStoreOptions.defaults(dir))) {
        List<CompletableFuture<ChangeEvent>> window = new ArrayList<>(LOAD_WINDOW);
        for (int i = 0; i < n; i++) {
          String id = new UUID(random.nextLong(), random.nextLong()).toString();
          window.add(loading.writeAsync(new Write.Create(BenchData.DATABASE, BenchData.MESSAGES.document(id),
              BenchData.message("r" + random.nextInt(rooms), random.nextInt(n)))));
          if (window.size() == LOAD_WINDOW || i == n - 1) {
            window.forEach(CompletableFuture::join);
            window.clear();
          }
        }
      }
      long loadMillis = (System.nanoTime() - start) / 1_000_000;
      store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
      System.out.printf("%n[load] %d documents in %d ms (%d/s), %d MiB on disk%n", n, loadMillis,
          n * 1000L / Math.max(1, loadMillis), BenchData.sizeOf(dir) >> 20);
    }

    @TearDown(Level.Trial)
    public void close() {
      store.close();
      BenchData.deleteRecursively(dir);
    }
  }

  /** Per-thread query keys. */
  @State(Scope.Thread)
  public static class Keys {
    private final SplittableRandom random = new SplittableRandom(7);

    StringValue room(Data d) {
      return new StringValue("r" + random.nextInt(d.rooms));
    }

    long scoreFrom(Data d) {
      return random.nextInt(Math.max(1, d.n - LIMIT));
    }
  }

  /** Rows returned, reported by JMH as a rate next to ops/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Returned {
    public long entries;

    @Setup(Level.Iteration)
    public void reset() {
      entries = 0;
    }
  }

  @Benchmark
  public void indexRoomEquals(Data d, Keys k, Returned r, Blackhole bh) {
    try (Cursor<IndexEntry> c = d.store.scanIndex(BenchData.DATABASE, BenchData.MESSAGES, "room",
        IndexRange.equalTo(k.room(d)), false, null)) {
      while (c.hasNext()) {
        bh.consume(c.next());
        r.entries++;
      }
    }
  }

  @Benchmark
  public void indexRoomEqualsThenGet(Data d, Keys k, Returned r, Blackhole bh) {
    try (Cursor<IndexEntry> c = d.store.scanIndex(BenchData.DATABASE, BenchData.MESSAGES, "room",
        IndexRange.equalTo(k.room(d)), false, null)) {
      while (c.hasNext()) {
        bh.consume(d.store.get(BenchData.DATABASE, BenchData.MESSAGES.document(c.next().docId())));
        r.entries++;
      }
    }
  }

  @Benchmark
  public void indexScoreRangeAsc(Data d, Keys k, Returned r, Blackhole bh) {
    scoreRange(d, k.scoreFrom(d), false, r, bh);
  }

  @Benchmark
  public void indexScoreRangeDesc(Data d, Keys k, Returned r, Blackhole bh) {
    scoreRange(d, k.scoreFrom(d), true, r, bh);
  }

  private static void scoreRange(Data d, long from, boolean descending, Returned r, Blackhole bh) {
    IndexRange range = IndexRange.between(IntegerValue.of(from), true, IntegerValue.of(from + LIMIT), false);
    try (Cursor<IndexEntry> c = d.store.scanIndex(BenchData.DATABASE, BenchData.MESSAGES, "score", range,
        descending, null)) {
      for (int i = 0; i < LIMIT && c.hasNext(); i++) {
        bh.consume(c.next());
        r.entries++;
      }
    }
  }

  @Benchmark
  public void baselineScanRoomEquals(Data d, Keys k, Returned r, Blackhole bh) {
    StringValue room = k.room(d);
    try (Cursor<Document> c = d.store.scanCollection(BenchData.DATABASE, BenchData.MESSAGES, null, false)) {
      while (c.hasNext()) {
        Document doc = c.next();
        if (room.equals(doc.data().get("room"))) {
          bh.consume(doc);
          r.entries++;
        }
      }
    }
  }

  @Benchmark
  public void baselineScanScoreRange(Data d, Keys k, Returned r, Blackhole bh) {
    long from = k.scoreFrom(d);
    List<Document> matches = new ArrayList<>();
    try (Cursor<Document> c = d.store.scanCollection(BenchData.DATABASE, BenchData.MESSAGES, null, false)) {
      while (c.hasNext()) {
        Document doc = c.next();
        Value score = doc.data().get("score");
        if (score instanceof IntegerValue i && i.value() >= from && i.value() < from + LIMIT) {
          matches.add(doc);
        }
      }
    }
    matches.sort(Comparator.comparingLong((Document doc) -> ((IntegerValue) doc.data().get("score")).value())
        .thenComparing(Document::id));
    for (Document doc : matches.subList(0, Math.min(LIMIT, matches.size()))) {
      bh.consume(doc);
      r.entries++;
    }
  }
}
