package io.syntrix.store.rocksdb;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.ChangeEvent;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.DoubleValue;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Filter;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.model.Value;
import io.syntrix.store.Write;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link CrashSafetyTest}: opens the store, then hammers it with random
 * writes from several threads until the parent kills it with SIGKILL. It never closes the store;
 * the point is to be killed mid-commit.
 *
 * <p>Protocol on stdout (tab-separated, one line per event, each written whole and flushed
 * before the next, so the parent sees exactly the acknowledgements that happened before death):
 * <pre>
 *   LAUNCH                   (about to open the store: recovery starts)
 *   PROBLEM  text            (what the integrity check found right after recovery)
 *   OPEN  lastSeq firstSeq
 *   ACK   seq database path op version dataJson .
 *   FAIL  message            (an outcome the store must never produce)
 * </pre>
 * The trailing {@code .} marks a complete ACK line. stdout and stderr (logging) go to files the
 * parent reads; stdin is a pipe from the parent, watched for EOF. Writes that fail with
 * NOT_FOUND, CONFLICT or PRECONDITION_FAILED are the normal result of racing writers and stale
 * reads and are not reported.
 *
 * <p>Arguments: data directory, seed, writer threads, {@link Durability}.
 */
final class CrashWriter {
  static final List<String> DATABASES = List.of("alpha", "beta");
  /** A small id space, so writers collide: re-creates over tombstones and failed ifMatch are common. */
  static final List<DocumentPath> PATHS = paths();
  /** If the parent vanishes without killing us (its own crash), stop on our own. */
  private static final long MAX_LIFETIME_MILLIS = 60_000;
  private static final Set<ErrorCode> EXPECTED_FAILURES =
      Set.of(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.PRECONDITION_FAILED);
  private static final List<String> TAGS = List.of("red", "green", "blue");

  /** The real stdout; System.out is pointed at stderr so nothing else can interleave with the protocol. */
  private static final PrintStream PROTOCOL = new PrintStream(
      new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);

  private CrashWriter() {}

  private static List<DocumentPath> paths() {
    List<DocumentPath> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      out.add(DocumentPath.of("users/u" + i));
      out.add(DocumentPath.of("orders/o" + i));
    }
    for (int i = 0; i < 3; i++) {
      out.add(DocumentPath.of("users/u0/notes/n" + i));
    }
    return List.copyOf(out);
  }

  public static void main(String[] args) throws Exception {
    System.setOut(System.err);
    exitWhenParentGoes();
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int threads = Integer.parseInt(args[2]);
    Durability durability = Durability.valueOf(args[3]);
    emit("LAUNCH");
    RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir).withDurability(durability));
    IntegrityReport report = store.checkIntegrity();
    report.problems().forEach(p -> emit("PROBLEM\t" + p.replace('\t', ' ').replace('\n', ' ')));
    emit("OPEN\t" + store.changeLog().lastSeq() + "\t" + store.changeLog().firstSeq());
    AtomicLong counter = new AtomicLong();
    for (int t = 0; t < threads; t++) {
      Random rnd = new Random(seed * 31 + t);
      int writer = t;
      Thread.ofPlatform().name("crash-writer-" + t).daemon()
          .start(() -> runWriter(store, rnd, writer, counter));
    }
    Thread.sleep(MAX_LIFETIME_MILLIS);
    Runtime.getRuntime().halt(3);
  }

  /** stdin is a pipe from the parent: EOF means the parent is gone and nobody will kill us. */
  private static void exitWhenParentGoes() {
    Thread.ofPlatform().name("parent-watch").daemon().start(() -> {
      try {
        while (System.in.read() >= 0) {
          // the parent never writes; we only wait for EOF
        }
      } catch (IOException ignored) {
        // a broken pipe means the same as EOF
      }
      Runtime.getRuntime().halt(4);
    });
  }

  private static void runWriter(RocksDocumentStore store, Random rnd, int writer, AtomicLong counter) {
    try {
      while (true) {
        // Several writes in flight per thread make the committer build real groups, some with
        // two writes to one document (the overlay path).
        int burst = 1 + rnd.nextInt(8);
        List<CompletableFuture<ChangeEvent>> pending = new ArrayList<>(burst);
        for (int i = 0; i < burst; i++) {
          String db = DATABASES.get(rnd.nextInt(DATABASES.size()));
          DocumentPath path = PATHS.get(rnd.nextInt(PATHS.size()));
          Document current = store.get(db, path).orElse(null);
          pending.add(store.writeAsync(randomWrite(rnd, db, path, current, writer, counter)));
        }
        for (CompletableFuture<ChangeEvent> f : pending) {
          await(f);
        }
      }
    } catch (Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      emit("FAIL\twriter " + writer + " died: " + trace.toString().replace('\n', ' ').replace('\t', ' '));
    }
  }

  private static void await(CompletableFuture<ChangeEvent> f) {
    ChangeEvent e;
    try {
      e = f.join();
    } catch (CompletionException ex) {
      if (ex.getCause() instanceof SyntrixException s && EXPECTED_FAILURES.contains(s.code())) {
        return;
      }
      throw ex;
    }
    emit("ACK\t" + e.seq() + "\t" + e.database() + "\t" + e.path() + "\t" + e.op() + "\t" + e.after().version()
        + "\t" + Json.toString(e.after().data()) + "\t.");
  }

  private static synchronized void emit(String line) {
    PROTOCOL.print(line);
    PROTOCOL.print('\n');
    PROTOCOL.flush(); // one write(2) per line: a kill cannot split it
  }

  private static Write randomWrite(Random rnd, String db, DocumentPath path, Document current, int writer,
                                   AtomicLong counter) {
    int kind = rnd.nextInt(100);
    if (kind < 25) {
      return new Write.Create(db, path, randomData(rnd, writer, counter.incrementAndGet()));
    }
    if (kind < 50) {
      return new Write.Replace(db, path, randomData(rnd, writer, counter.incrementAndGet()), ifMatch(rnd, current));
    }
    if (kind < 80) {
      MapValue.Builder patch = MapValue.builder().put("n", IntegerValue.of(counter.incrementAndGet()));
      if (rnd.nextBoolean()) {
        patch.put("tag", new StringValue(TAGS.get(rnd.nextInt(TAGS.size()))));
      }
      if (rnd.nextInt(4) == 0) {
        patch.put("patched", BooleanValue.TRUE);
      }
      return new Write.Patch(db, path, patch.build(), ifMatch(rnd, current));
    }
    return new Write.Delete(db, path, ifMatch(rnd, current));
  }

  /**
   * Mostly the version just read (fails if another writer got there first), sometimes a stale
   * version or a data field, sometimes nothing. A precondition on an absent document always fails.
   */
  private static List<Filter> ifMatch(Random rnd, Document current) {
    int choice = rnd.nextInt(10);
    if (choice < 4) {
      return List.of();
    }
    long version = current == null ? 1 : current.version();
    if (choice < 8) {
      return List.of(Filter.of("version", "==", IntegerValue.of(version)));
    }
    if (choice == 8) {
      return List.of(Filter.of("version", "==", IntegerValue.of(version - 1)));
    }
    Value tag = current == null ? null : current.data().get("tag");
    return List.of(Filter.of("tag", "==", tag != null ? tag : new StringValue("none")));
  }

  private static MapValue randomData(Random rnd, int writer, long n) {
    MapValue.Builder b = MapValue.builder()
        .put("n", IntegerValue.of(n))
        .put("writer", IntegerValue.of(writer))
        .put("tag", new StringValue(TAGS.get(rnd.nextInt(TAGS.size()))));
    if (rnd.nextBoolean()) {
      b.put("score", new DoubleValue(rnd.nextInt(1000) / 8.0));
    }
    if (rnd.nextInt(3) == 0) {
      b.put("items", ArrayValue.of(IntegerValue.of(n % 7), new StringValue("x" + n % 3)));
    }
    if (rnd.nextInt(4) == 0) {
      b.put("nested", MapValue.builder().put("k", IntegerValue.of(n)).build());
    }
    return b.build();
  }
}
