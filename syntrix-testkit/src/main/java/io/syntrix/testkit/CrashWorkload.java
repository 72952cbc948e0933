package io.syntrix.testkit;

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
import io.syntrix.store.DocumentStore;
import io.syntrix.store.Write;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child side of the engines' crash tests (RocksDB's {@code CrashSafetyTest}, PostgreSQL's
 * {@code PostgresCrashTest}): a process writes random creates, replaces, patches and deletes,
 * mostly under {@code ifMatch}, over a small set of paths, until it is SIGKILLed, and reports on
 * stdout every write whose future completed, so the test can audit what survived.
 *
 * <p>Protocol: tab-separated lines on the real stdout (System.out is pointed at stderr, so nothing
 * else interleaves), each written whole and flushed before the next, so a kill cannot split one:
 * <pre>
 *   ACK    seq database path op version dataJson .   (a write completed with its seq)
 *   NOACK  message                                   (UNAVAILABLE: committed or not, no seq known)
 *   FAIL   message                                   (an outcome the store must never produce)
 * </pre>
 * plus whatever lines the engine's child adds ({@link #emit}). Writes failing with NOT_FOUND,
 * CONFLICT or PRECONDITION_FAILED are the normal result of racing writers and stale reads and are
 * not reported. stdin is a pipe from the test, watched for EOF: a child whose test died halts.
 */
public final class CrashWorkload {
  public static final List<String> DATABASES = List.of("alpha", "beta");
  private static final Set<ErrorCode> EXPECTED_FAILURES =
      Set.of(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.PRECONDITION_FAILED);
  private static final List<String> TAGS = List.of("red", "green", "blue");
  private static final PrintStream PROTOCOL = new PrintStream(
      new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);

  private CrashWorkload() {}

  /**
   * A small id space, so writers collide: re-creates over tombstones and failed {@code ifMatch}
   * are common. {@code users/u0..}, {@code orders/o0..} ({@code perCollection} each) and three
   * notes in a subcollection.
   */
  public static List<DocumentPath> paths(int perCollection) {
    List<DocumentPath> out = new ArrayList<>();
    for (int i = 0; i < perCollection; i++) {
      out.add(DocumentPath.of("users/u" + i));
      out.add(DocumentPath.of("orders/o" + i));
    }
    for (int i = 0; i < 3; i++) {
      out.add(DocumentPath.of("users/u0/notes/n" + i));
    }
    return List.copyOf(out);
  }

  /** Points System.out at stderr and halts the process when stdin (the test's pipe) ends. */
  public static void startChild() {
    System.setOut(System.err);
    Thread.ofPlatform().name("parent-watch").daemon().start(() -> {
      try {
        while (System.in.read() >= 0) {
          // the test never writes; we only wait for EOF
        }
      } catch (IOException ignored) {
        // a broken pipe means the same as EOF
      }
      Runtime.getRuntime().halt(4);
    });
  }

  /** Writes one protocol line and flushes it: one write(2) per line, so a kill cannot split it. */
  public static synchronized void emit(String line) {
    PROTOCOL.print(line);
    PROTOCOL.print('\n');
    PROTOCOL.flush();
  }

  /**
   * Starts a daemon thread that writes bursts of up to {@code maxBurst} writes in flight (so the
   * store runs several at once) until the process dies; a write that fails unexpectedly ends the
   * thread with a FAIL line.
   */
  public static void startWriter(DocumentStore store, List<DocumentPath> paths, long seed, String writer,
                                 AtomicLong counter, int maxBurst) {
    Random rnd = new Random(seed);
    Thread.ofPlatform().name("crash-writer-" + writer).daemon().start(() -> {
      try {
        while (true) {
          int burst = 1 + rnd.nextInt(maxBurst);
          List<CompletableFuture<ChangeEvent>> pending = new ArrayList<>(burst);
          for (int i = 0; i < burst; i++) {
            String db = DATABASES.get(rnd.nextInt(DATABASES.size()));
            DocumentPath path = paths.get(rnd.nextInt(paths.size()));
            Document current = store.get(db, path).orElse(null);
            pending.add(store.writeAsync(randomWrite(rnd, db, path, current, writer, counter)));
          }
          for (CompletableFuture<ChangeEvent> f : pending) {
            report(f);
          }
        }
      } catch (Throwable t) {
        emit("FAIL\twriter " + writer + " died: " + oneLine(stackTrace(t)));
      }
    });
  }

  public static String stackTrace(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  public static String oneLine(String s) {
    return String.valueOf(s).replace('\n', ' ').replace('\t', ' ');
  }

  /** An ACK line only for a write that completed with its seq. */
  private static void report(CompletableFuture<ChangeEvent> f) {
    ChangeEvent e;
    try {
      e = f.join();
    } catch (CompletionException ex) {
      if (ex.getCause() instanceof SyntrixException s && EXPECTED_FAILURES.contains(s.code())) {
        return;
      }
      if (ex.getCause() instanceof SyntrixException s && s.code() == ErrorCode.UNAVAILABLE) {
        emit("NOACK\t" + oneLine(s.getMessage()));
        return;
      }
      throw ex;
    }
    emit("ACK\t" + e.seq() + "\t" + e.database() + "\t" + e.path() + "\t" + e.op() + "\t" + e.after().version()
        + "\t" + Json.toString(e.after().data()) + "\t.");
  }

  private static Write randomWrite(Random rnd, String db, DocumentPath path, Document current, String writer,
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

  private static MapValue randomData(Random rnd, String writer, long n) {
    MapValue.Builder b = MapValue.builder()
        .put("n", IntegerValue.of(n))
        .put("writer", new StringValue(writer))
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
    if (rnd.nextInt(12) == 0) {
      // Over 1,500 encoded bytes: an overflow entry instead of an index entry.
      b.put("blob", new StringValue("b".repeat(1_600 + rnd.nextInt(400)) + n));
    }
    return b.build();
  }
}
