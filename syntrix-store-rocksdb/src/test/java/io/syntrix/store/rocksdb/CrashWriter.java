package io.syntrix.store.rocksdb;

import io.syntrix.model.DocumentPath;
import io.syntrix.testkit.CrashWorkload;
import java.nio.file.Path;
import java.util.List;
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
 * The trailing {@code .} marks a complete ACK line; the writes and the ACK/FAIL lines are the
 * testkit's {@link CrashWorkload}, which the PostgreSQL crash test's children share. (Its NOACK,
 * for a store that answered UNAVAILABLE, is unexpected here and fails the test.)
 *
 * <p>Arguments: data directory, seed, writer threads, {@link Durability}.
 */
final class CrashWriter {
  static final List<String> DATABASES = CrashWorkload.DATABASES;
  static final List<DocumentPath> PATHS = CrashWorkload.paths(6);
  /** If the parent vanishes without killing us (its own crash), stop on our own. */
  private static final long MAX_LIFETIME_MILLIS = 60_000;

  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    CrashWorkload.startChild();
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int threads = Integer.parseInt(args[2]);
    Durability durability = Durability.valueOf(args[3]);
    CrashWorkload.emit("LAUNCH");
    RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir).withDurability(durability));
    IntegrityReport report = store.checkIntegrity();
    report.problems().forEach(p -> CrashWorkload.emit("PROBLEM\t" + CrashWorkload.oneLine(p)));
    CrashWorkload.emit("OPEN\t" + store.changeLog().lastSeq() + "\t" + store.changeLog().firstSeq());
    AtomicLong counter = new AtomicLong();
    for (int t = 0; t < threads; t++) {
      // Several writes in flight per thread make the committer build real groups, some with two
      // writes to one document (the overlay path).
      CrashWorkload.startWriter(store, PATHS, seed * 31 + t, Integer.toString(t), counter, 8);
    }
    Thread.sleep(MAX_LIFETIME_MILLIS);
    Runtime.getRuntime().halt(3);
  }
}
