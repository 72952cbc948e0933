package io.syntrix.bench;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.Document;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.Write;
import io.syntrix.store.rocksdb.Durability;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Single-document creates per second through {@link RocksDocumentStore}, against a raw RocksDB
 * put of the same JSON bytes.
 *
 * <p><b>What one Syntrix create does.</b> {@code store.create} validates the data, queues the
 * write for the single committer thread and blocks on its future. The committer takes every
 * queued write as one group, reads the current document of each (a point get), encodes the
 * document, its index entries (9 here: the six top-level fields, the nested map as one whole
 * value, plus version, createdAt and updatedAt) and one change-log entry (which carries the
 * document again), writes the whole group as one {@code WriteBatch} to the WAL and the
 * memtables, fsyncs according to {@link Durability}, and completes the futures. So a create is
 * 11 RocksDB keys, about 700 bytes, a read and two thread hand-offs.
 *
 * <p><b>Baseline.</b> {@code raw*}: one {@code RocksDB.put} of the document's compact JSON under
 * a key of the same shape, into a plain RocksDB with one column family (LZ4, two background
 * jobs like the store, WAL on), from the calling thread: no read, no index, no change log, no
 * hand-off. {@code rawSync=false} never fsyncs (the baseline proper); {@code rawSync=true}
 * fsyncs every put, the raw counterpart of {@code FSYNC_EACH_COMMIT} (RocksDB's own write group
 * still merges concurrent puts into one fsync).
 *
 * <p><b>Variants.</b> {@code *1Thread}: one caller, so every group holds one write and the
 * figure is the inverse of the full round trip. {@code *4Threads}: four blocking callers on two
 * cores, so groups form. {@code syntrixCreatePipelined}: one caller keeps up to {@value #WINDOW}
 * writes in flight through {@code writeAsync} (submits a window, then waits for all of it), as
 * a server's event loop would; groups get large. On two cores that single submitting thread,
 * not the committer, turned out to be the limit of this variant.
 *
 * <p><b>Committer CPU.</b> After each iteration the run prints
 * {@code [committer] N us CPU per create}: the committer thread's CPU time over the creates it
 * committed. It is far steadier than throughput on a shared machine, and its inverse is the
 * ceiling of the single writer on one core.
 *
 * <p>Each trial gets a fresh store in a new temp directory (under {@code -Dsyntrix.bench.dir},
 * default {@code java.io.tmpdir}), deleted afterwards; ids are unique per invocation
 * ({@code t<thread>-<n>}), so every write is a real insert and the store grows during the run
 * (memtable flushes and compactions compete for the same two cores, as they would in
 * production).
 *
 * <p>Run (about 5.5 minutes; results and their reading in {@code docs/benchmarks.md}):
 * <pre>
 *   bin/syntrix-bench jmh DocumentWriteBenchmark -f 1 -wi 2 -w 3s -i 5 -r 5s
 * </pre>
 * Do not pass {@code -t}: it would override the per-method {@code @Threads}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 5)
public class DocumentWriteBenchmark {
  static final int WINDOW = 256;
  private static final MapValue DATA = BenchData.message("r42", 1234);
  private static final byte[] DATA_JSON = Json.toBytes(DATA);
  private static final byte[] KEY_PREFIX = (BenchData.DATABASE + "\0" + BenchData.MESSAGES.value() + "\0")
      .getBytes(StandardCharsets.UTF_8);

  /** The store under test, fresh per trial. */
  @State(Scope.Benchmark)
  public static class Syntrix {
    @Param({"FSYNC_PERIODIC", "FSYNC_EACH_COMMIT"})
    public Durability durability;

    RocksDocumentStore store;
    private Path dir;
    private long committerCpuAtStart;
    private long seqAtStart;

    @Setup(Level.Trial)
    public void open() {
      dir = BenchData.freshDirectory("write");
      store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir).withDurability(durability));
    }

    /**
     * Committer CPU per create over one iteration, printed after it: CPU time is not stolen by
     * other processes the way wall-clock throughput is, and its inverse is the ceiling of the
     * single committer on one core.
     */
    @Setup(Level.Iteration)
    public void startIteration() {
      committerCpuAtStart = CommitterCpu.nanos();
      seqAtStart = store.changeLog().lastSeq();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
      long creates = store.changeLog().lastSeq() - seqAtStart;
      long cpu = CommitterCpu.nanos() - committerCpuAtStart;
      if (creates > 0 && cpu > 0) {
        System.out.printf("%n[committer] %.1f us CPU per create (%d creates)%n", cpu / 1000.0 / creates, creates);
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      long seq = store.changeLog().lastSeq();
      store.close();
      System.out.printf("%n[store] %d creates committed, %d MiB on disk%n", seq, BenchData.sizeOf(dir) >> 20);
      BenchData.deleteRecursively(dir);
    }
  }

  /** The baseline: a plain RocksDB, fresh per trial. */
  @State(Scope.Benchmark)
  public static class Raw {
    @Param({"false", "true"})
    public boolean rawSync;

    RocksDB db;
    WriteOptions writeOptions;
    private Options options;
    private Path dir;

    @Setup(Level.Trial)
    public void open() throws RocksDBException {
      RocksDB.loadLibrary();
      dir = BenchData.freshDirectory("raw");
      options = new Options().setCreateIfMissing(true).setMaxBackgroundJobs(2)
          .setCompressionType(CompressionType.LZ4_COMPRESSION);
      db = RocksDB.open(options, dir.toString());
      writeOptions = new WriteOptions().setSync(rawSync); // WAL stays on (disableWAL=false)
    }

    @TearDown(Level.Trial)
    public void close() {
      writeOptions.close();
      db.close();
      options.close();
      BenchData.deleteRecursively(dir);
    }
  }

  /** Unique document ids per calling thread. */
  @State(Scope.Thread)
  public static class Ids {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final String prefix = "t" + THREADS.getAndIncrement() + "-";
    private long next;

    String next() {
      return prefix + next++;
    }
  }

  @Benchmark
  @Threads(1)
  public Document syntrixCreate1Thread(Syntrix s, Ids ids) {
    return create(s, ids);
  }

  @Benchmark
  @Threads(4)
  public Document syntrixCreate4Threads(Syntrix s, Ids ids) {
    return create(s, ids);
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(WINDOW)
  public ChangeEvent syntrixCreatePipelined(Syntrix s, Ids ids) {
    List<CompletableFuture<ChangeEvent>> inFlight = new ArrayList<>(WINDOW);
    for (int i = 0; i < WINDOW; i++) {
      inFlight.add(s.store.writeAsync(new Write.Create(BenchData.DATABASE, BenchData.MESSAGES.document(ids.next()),
          DATA)));
    }
    ChangeEvent last = null;
    for (CompletableFuture<ChangeEvent> f : inFlight) {
      last = f.join();
    }
    return last;
  }

  @Benchmark
  @Threads(1)
  public byte[] rawPut1Thread(Raw r, Ids ids) throws RocksDBException {
    return put(r, ids);
  }

  @Benchmark
  @Threads(4)
  public byte[] rawPut4Threads(Raw r, Ids ids) throws RocksDBException {
    return put(r, ids);
  }

  private static Document create(Syntrix s, Ids ids) {
    return s.store.create(BenchData.DATABASE, BenchData.MESSAGES.document(ids.next()), DATA);
  }

  private static byte[] put(Raw r, Ids ids) throws RocksDBException {
    byte[] id = ids.next().getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[KEY_PREFIX.length + id.length];
    System.arraycopy(KEY_PREFIX, 0, key, 0, KEY_PREFIX.length);
    System.arraycopy(id, 0, key, KEY_PREFIX.length, id.length);
    r.db.put(r.writeOptions, key, DATA_JSON);
    return key;
  }
}
