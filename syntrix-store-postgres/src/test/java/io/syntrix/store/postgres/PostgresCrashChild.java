package io.syntrix.store.postgres;

import io.syntrix.model.ArrayValue;
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
 * A child process of {@link PostgresCrashTest}: one Syntrix process on the shared PostgreSQL, run
 * until the test kills it with SIGKILL. It never closes its store. Two roles:
 * <ul>
 *   <li>{@code WRITER}: a store that may not sequence ({@link PostgresStoreOptions#sequencer()}
 *       false), written from several threads with random creates, replaces, patches and deletes,
 *       mostly under {@code ifMatch}, over a small set of paths the other writer process shares;</li>
 *   <li>{@code SEQUENCER}: a store that may sequence and writes nothing. Every such process is a
 *       candidate; one holds the advisory lock and sequences, the others stand by.</li>
 * </ul>
 *
 * <p>Protocol on stdout, which the test points at a file (the ack file): tab-separated lines, each
 * written whole and flushed before the next, so the test sees exactly what happened before death.
 * <pre>
 *   LAUNCH                                   (about to open the store)
 *   OPEN     lastSeq                         (the store is open; its follower starts at lastSeq)
 *   ACTIVE | STANDBY                         (SEQUENCER: this process took / lost the sequencer role)
 *   ACK      seq database path op version dataJson .   (WRITER: a write's future completed with its seq)
 *   NOACK    message                         (WRITER: committed but not sequenced within the store's wait)
 *   FAIL     message                         (an outcome the store must never produce)
 * </pre>
 * The trailing {@code .} marks a complete ACK line. Writes failing with NOT_FOUND, CONFLICT or
 * PRECONDITION_FAILED are the normal result of racing writers and stale reads and are not reported.
 * stdin is a pipe from the test, watched for EOF: a child whose test died halts by itself.
 *
 * <p>Arguments: role, JDBC URL, seed, label (what the data written says it came from).
 */
final class PostgresCrashChild {
  enum Role { WRITER, SEQUENCER }

  static final List<String> DATABASES = List.of("alpha", "beta");
  /** A small id space shared by both writer processes, so writes collide and preconditions fail often. */
  static final List<DocumentPath> PATHS = paths();
  private static final int WRITER_THREADS = 4;
  /** If the test vanishes without killing us, stop on our own. */
  private static final long MAX_LIFETIME_MILLIS = 180_000;
  private static final Set<ErrorCode> EXPECTED_FAILURES =
      Set.of(ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.PRECONDITION_FAILED);
  private static final List<String> TAGS = List.of("red", "green", "blue");

  /** The real stdout; System.out is pointed at stderr so nothing else can interleave with the protocol. */
  private static final PrintStream PROTOCOL = new PrintStream(
      new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);

  private PostgresCrashChild() {}

  private static List<DocumentPath> paths() {
    List<DocumentPath> out = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
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
    Role role = Role.valueOf(args[0]);
    String jdbcUrl = args[1];
    long seed = Long.parseLong(args[2]);
    String label = args[3];
    emit("LAUNCH");
    PostgresDocumentStore store = open(role, jdbcUrl);
    emit("OPEN\t" + store.changeLog().lastSeq());
    if (role == Role.SEQUENCER) {
      reportRole(store);
    } else {
      AtomicLong counter = new AtomicLong();
      for (int t = 0; t < WRITER_THREADS; t++) {
        Random rnd = new Random(seed * 31 + t);
        String writer = label + "/" + t;
        Thread.ofPlatform().name("crash-writer-" + t).daemon().start(() -> runWriter(store, rnd, writer, counter));
      }
    }
    Thread.sleep(MAX_LIFETIME_MILLIS);
    Runtime.getRuntime().halt(3);
  }

  /** A store that may sequence only in the SEQUENCER role; a failure to open is reported, then the process halts. */
  private static PostgresDocumentStore open(Role role, String jdbcUrl) {
    PostgresStoreOptions options = PostgresStoreOptions.defaults(jdbcUrl).withSequencer(role == Role.SEQUENCER);
    try {
      return new PostgresDocumentStore(role == Role.SEQUENCER ? options.withPool(2, 1) : options);
    } catch (RuntimeException e) {
      emit("FAIL\topening the store: " + oneLine(stackTrace(e)));
      Runtime.getRuntime().halt(5);
      throw e;
    }
  }

  /** stdin is a pipe from the test: EOF means the test is gone and nobody will kill us. */
  private static void exitWhenParentGoes() {
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

  /** Says when this process takes or loses the sequencer role, so the test knows whom to kill. */
  private static void reportRole(PostgresDocumentStore store) {
    Thread.ofPlatform().name("role-watch").daemon().start(() -> {
      boolean active = false;
      while (true) {
        if (store.isSequencing() != active) {
          active = !active;
          emit(active ? "ACTIVE" : "STANDBY");
        }
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private static void runWriter(PostgresDocumentStore store, Random rnd, String writer, AtomicLong counter) {
    try {
      while (true) {
        // Several writes in flight per thread: the store's writer threads and pool run them at once.
        int burst = 1 + rnd.nextInt(6);
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
      emit("FAIL\twriter " + writer + " died: " + oneLine(stackTrace(t)));
    }
  }

  private static String stackTrace(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }

  /** Reports the write once its future completed: an ACK line is written only for a write that has its seq. */
  private static void await(CompletableFuture<ChangeEvent> f) {
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

  private static String oneLine(String s) {
    return String.valueOf(s).replace('\n', ' ').replace('\t', ' ');
  }

  private static synchronized void emit(String line) {
    PROTOCOL.print(line);
    PROTOCOL.print('\n');
    PROTOCOL.flush(); // one write(2) per line: a kill cannot split it
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
    if (kind < 82) {
      MapValue.Builder patch = MapValue.builder().put("n", IntegerValue.of(counter.incrementAndGet()));
      if (rnd.nextBoolean()) {
        patch.put("tag", new StringValue(TAGS.get(rnd.nextInt(TAGS.size()))));
      }
      return new Write.Patch(db, path, patch.build(), ifMatch(rnd, current));
    }
    return new Write.Delete(db, path, ifMatch(rnd, current));
  }

  /** Mostly the version just read (fails if another writer got there first), sometimes stale, sometimes none. */
  private static List<Filter> ifMatch(Random rnd, Document current) {
    int choice = rnd.nextInt(10);
    if (choice < 3) {
      return List.of();
    }
    long version = current == null ? 1 : current.version();
    return List.of(Filter.of("version", "==", IntegerValue.of(choice == 9 ? version - 1 : version)));
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
    if (rnd.nextInt(12) == 0) {
      // Over 1,500 encoded bytes: an overflow entry instead of an index entry.
      b.put("blob", new StringValue("b".repeat(1_600 + rnd.nextInt(400)) + n));
    }
    return b.build();
  }
}
