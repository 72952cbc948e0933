package io.syntrix.store.postgres;

import io.syntrix.model.DocumentPath;
import io.syntrix.testkit.CrashWorkload;
import java.util.List;
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
 * The trailing {@code .} marks a complete ACK line. The writes and the ACK/NOACK/FAIL lines are
 * the testkit's {@link CrashWorkload}, which RocksDB's crash test shares; stdin is a pipe from the
 * test, watched for EOF: a child whose test died halts by itself.
 *
 * <p>Arguments: role, JDBC URL, seed, label (what the data written says it came from).
 */
final class PostgresCrashChild {
  enum Role { WRITER, SEQUENCER }

  static final List<String> DATABASES = CrashWorkload.DATABASES;
  /** A small id space shared by both writer processes, so writes collide and preconditions fail often. */
  static final List<DocumentPath> PATHS = CrashWorkload.paths(5);
  private static final int WRITER_THREADS = 4;
  /** If the test vanishes without killing us, stop on our own. */
  private static final long MAX_LIFETIME_MILLIS = 180_000;

  private PostgresCrashChild() {}

  public static void main(String[] args) throws Exception {
    CrashWorkload.startChild();
    Role role = Role.valueOf(args[0]);
    String jdbcUrl = args[1];
    long seed = Long.parseLong(args[2]);
    String label = args[3];
    CrashWorkload.emit("LAUNCH");
    PostgresDocumentStore store = open(role, jdbcUrl);
    CrashWorkload.emit("OPEN\t" + store.changeLog().lastSeq());
    if (role == Role.SEQUENCER) {
      reportRole(store);
    } else {
      AtomicLong counter = new AtomicLong();
      for (int t = 0; t < WRITER_THREADS; t++) {
        // Several writes in flight per thread: the store's writer threads and pool run them at once.
        CrashWorkload.startWriter(store, PATHS, seed * 31 + t, label + "/" + t, counter, 6);
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
      CrashWorkload.emit("FAIL\topening the store: " + CrashWorkload.oneLine(CrashWorkload.stackTrace(e)));
      Runtime.getRuntime().halt(5);
      throw e;
    }
  }

  /** Says when this process takes or loses the sequencer role, so the test knows whom to kill. */
  private static void reportRole(PostgresDocumentStore store) {
    Thread.ofPlatform().name("role-watch").daemon().start(() -> {
      boolean active = false;
      while (true) {
        if (store.isSequencing() != active) {
          active = !active;
          CrashWorkload.emit(active ? "ACTIVE" : "STANDBY");
        }
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }
}
