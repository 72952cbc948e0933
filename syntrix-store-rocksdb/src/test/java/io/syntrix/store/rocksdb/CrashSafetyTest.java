package io.syntrix.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.ChangeLog;
import io.syntrix.store.Cursor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the store against the death of its process: a child JVM ({@link CrashWriter})
 * writes from several threads and reports every acknowledged write; the test kills it with
 * SIGKILL at a random point, {@value #ROUNDS} times on one data directory, then opens the store
 * and checks it against what the children were told.
 *
 * <p><b>Why a child process.</b> Only a real SIGKILL stops RocksDB and the committer at an
 * arbitrary instruction with no shutdown hook, no clean close and no final WAL fsync. A process
 * crash must lose nothing acknowledged in either {@link Durability} mode: an ack is given only
 * after the group is in the WAL, i.e. in the operating system's hands.
 *
 * <p><b>Checked after every round</b> (from the next child's OPEN line): recovery found no
 * integrity problem and {@code lastSeq} covers every seq acknowledged so far, so a later round
 * can never hand out an acknowledged seq again. <b>Checked at the end</b>: (a) each acknowledged
 * write is in the change log with the same seq, path, op, version and data; (b) the log is
 * gap-free from seq 1 to {@code lastSeq}, each entry follows from the document's previous entry
 * (versions 1, 2, 3… restarting at 1 on a re-create, {@code before} equal to the previous
 * {@code after}), timestamps never go back, even across restarts; (c) replaying the log gives
 * exactly the stored documents, tombstones included; (d) {@link RocksDocumentStore#checkIntegrity}.
 *
 * <p><b>Reproducing.</b> The seed fixes the kill points, durability modes and each writer's
 * operation mix; thread interleaving and commit grouping are not reproducible. Rerun with
 * {@code -Dcrash.seed=N}.
 */
class CrashSafetyTest {
  private static final int ROUNDS = 5;
  private static final int WRITERS = 4;
  /** Kill anyway if a child is this slow to reach its kill point; every kill point is valid. */
  private static final long ROUND_CAP_MILLIS = 10_000;

  @TempDir
  Path dir;

  /** What a child was told about one write; also the view of a change-log entry it is compared to. */
  record Ack(long seq, String database, DocumentPath path, Op op, long version, MapValue data) {
    static Ack of(ChangeEvent e) {
      return new Ack(e.seq(), e.database(), e.path(), e.op(), e.after().version(), e.after().data());
    }

    DocKey doc() {
      return new DocKey(database, path);
    }
  }

  record DocKey(String database, DocumentPath path) {}

  /**
   * When to kill: after {@code acks} acknowledgements, {@code millis} after the child opened the
   * store, or {@code millis} after it started opening it, which lands in RocksDB's open and WAL
   * recovery, the child's integrity check or its first writes.
   */
  record KillPlan(String kind, int acks, long millis) {
    static KillPlan random(Random rnd, boolean mustWrite) {
      int dice = rnd.nextInt(10);
      if (dice < 6) {
        return new KillPlan("after-acks", 200 + rnd.nextInt(2800), 0);
      }
      if (dice < 8 || mustWrite) {
        return new KillPlan("after-open", 0, 50 + rnd.nextInt(950));
      }
      return new KillPlan("during-open", 0, rnd.nextInt(400));
    }
  }

  @Test
  @Tag("slow")
  @Tag("random")
  @Timeout(value = 90, unit = TimeUnit.SECONDS) // a hang guard: a run normally takes 5-10 s
  void acknowledgedWritesSurviveSigkill() throws Exception {
    long seed = Long.getLong("crash.seed", ThreadLocalRandom.current().nextLong());
    System.out.println("CrashSafetyTest seed " + seed + " (rerun with -Dcrash.seed=" + seed + ")");
    try {
      run(seed);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("crash-safety failure with seed " + seed + " (rerun with -Dcrash.seed=" + seed
          + "): " + e.getMessage(), e);
    }
  }

  private void run(long seed) throws Exception {
    Random rnd = new Random(seed);
    Path data = dir.resolve("store");
    List<Ack> acks = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      KillPlan plan = KillPlan.random(rnd, round == 1 || round == ROUNDS);
      Durability durability = rnd.nextInt(4) == 0 ? Durability.FSYNC_EACH_COMMIT : Durability.FSYNC_PERIODIC;
      long start = System.nanoTime();
      ChildOutput out = runRound(data, round, rnd.nextLong(), durability, plan);
      String opening = out.opened
          ? "opened at seq " + out.openLastSeq + " in " + (out.openedAtNanos - out.launchedAtNanos) / 1_000_000 + " ms"
          : "killed before open completed";
      System.out.printf("round %d: %s, %s, %s, %d acks, %d ms%n", round, plan, durability, opening, out.acks.size(),
          (System.nanoTime() - start) / 1_000_000);
      long maxAcked = acks.stream().mapToLong(Ack::seq).max().orElse(0);
      if (out.opened) {
        assertThat(out.openProblems).as("integrity problems found by round %d at open", round).isEmpty();
        assertThat(out.openLastSeq).as("lastSeq recovered by round %d", round).isGreaterThanOrEqualTo(maxAcked);
        for (Ack a : out.acks) {
          assertThat(a.seq()).as("seq of a write acknowledged in round %d", round).isGreaterThan(out.openLastSeq);
        }
      }
      acks.addAll(out.acks);
    }
    assertThat(acks).as("acknowledged writes over all rounds").isNotEmpty();
    try (RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(data))) {
      verify(store, acks);
    }
  }

  private ChildOutput runRound(Path data, int round, long seed, Durability durability, KillPlan plan)
      throws Exception {
    Path stdout = dir.resolve("round-" + round + ".stdout");
    Path stderr = dir.resolve("round-" + round + ".stderr");
    Files.createFile(stdout);
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(),
        data.toString(), Long.toString(seed), Integer.toString(WRITERS), durability.name())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    try (ChildOutput out = new ChildOutput(stdout)) {
      awaitKillPoint(child, out, plan);
      assertThat(child.isAlive()).as("round %d child exited by itself (%s); stderr:%n%s", round, out.failures,
          tail(stderr)).isTrue();
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("child dead after SIGKILL").isTrue();
      assertThat(child.exitValue()).as("exit status of a SIGKILLed process").isEqualTo(128 + 9);
      out.finish();
      assertThat(out.failures).as("round %d child reported; stderr:%n%s", round, tail(stderr)).isEmpty();
      return out;
    } finally {
      child.destroyForcibly(); // the child's stdin pipe closes too, so even a child we fail to kill halts itself
    }
  }

  private static void awaitKillPoint(Process child, ChildOutput out, KillPlan plan) throws Exception {
    long cap = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROUND_CAP_MILLIS);
    while (child.isAlive() && out.failures.isEmpty() && System.nanoTime() < cap) {
      out.poll();
      long now = System.nanoTime();
      boolean reached = switch (plan.kind()) {
        case "after-acks" -> out.acks.size() >= plan.acks();
        case "after-open" -> out.opened && now - out.openedAtNanos >= TimeUnit.MILLISECONDS.toNanos(plan.millis());
        default -> out.launchedAtNanos > 0 && now - out.launchedAtNanos >= TimeUnit.MILLISECONDS.toNanos(plan.millis());
      };
      if (reached) {
        return;
      }
      Thread.sleep(1);
    }
  }

  private static void verify(RocksDocumentStore store, List<Ack> acks) {
    ChangeLog log = store.changeLog();
    List<ChangeEvent> entries = readAll(log);
    System.out.printf("verifying %d acknowledged writes against %d change-log entries%n", acks.size(), entries.size());

    // (b) one entry per committed write, gap-free from 1, each following from the one before.
    assertThat(log.firstSeq()).as("firstSeq (nothing was purged)").isEqualTo(1);
    assertThat(log.lastSeq()).as("lastSeq").isEqualTo(entries.size());
    Map<DocKey, Document> replay = new HashMap<>();
    Map<DocKey, Long> lastSeqOf = new HashMap<>();
    Map<DocKey, Long> lastCreateOf = new HashMap<>();
    long previousTimestamp = Long.MIN_VALUE;
    int recreates = 0;
    for (int i = 0; i < entries.size(); i++) {
      ChangeEvent e = entries.get(i);
      assertThat(e.seq()).as("seq of log entry #%d", i).isEqualTo(i + 1);
      assertThat(e.timestamp()).as("timestamp of seq %d", e.seq()).isGreaterThanOrEqualTo(previousTimestamp);
      previousTimestamp = e.timestamp();
      DocKey key = new DocKey(e.database(), e.path());
      Document previous = replay.get(key);
      checkFollows(e, previous);
      recreates += previous != null && previous.deleted() ? 1 : 0;
      replay.put(key, e.after());
      lastSeqOf.put(key, e.seq());
      if (e.op() == Op.CREATE) {
        lastCreateOf.put(key, e.seq());
      }
    }
    System.out.printf("log: %s; %d creates over a tombstone%n",
        entries.stream().collect(Collectors.groupingBy(ChangeEvent::op, TreeMap::new, Collectors.counting())),
        recreates);

    // (a) every acknowledged write is there, exactly as acknowledged, and no seq was acknowledged twice.
    Set<Long> ackedSeqs = new HashSet<>();
    Map<DocKey, Ack> lastAckOf = new HashMap<>();
    for (Ack a : acks) {
      assertThat(ackedSeqs.add(a.seq())).as("seq %d acknowledged twice", a.seq()).isTrue();
      assertThat(a.seq()).as("acknowledged %s", a).isBetween(1L, log.lastSeq());
      assertThat(Ack.of(entries.get((int) a.seq() - 1))).as("log entry of an acknowledged write").isEqualTo(a);
      lastAckOf.merge(a.doc(), a, (x, y) -> x.seq() > y.seq() ? x : y);
    }

    // (c) replaying the log gives the stored documents, tombstones included, and nothing else.
    for (String db : CrashWriter.DATABASES) {
      for (DocumentPath path : CrashWriter.PATHS) {
        DocKey key = new DocKey(db, path);
        assertThat(store.get(db, path, true)).as("stored %s", key).isEqualTo(Optional.ofNullable(replay.get(key)));
      }
      for (CollectionPath collection : CrashWriter.PATHS.stream().map(DocumentPath::collection).distinct().toList()) {
        long replayed = replay.keySet().stream()
            .filter(k -> k.database().equals(db) && k.path().collection().equals(collection)).count();
        assertThat(countStored(store, db, collection)).as("documents in %s/%s", db, collection).isEqualTo(replayed);
      }
    }

    // The acknowledged max version per document, within the document's current incarnation (a
    // re-create after the ack restarts versions at 1, so across incarnations it means nothing).
    lastAckOf.forEach((key, a) -> {
      Document stored = replay.get(key);
      assertThat(a.seq()).as("last ack of %s", key).isLessThanOrEqualTo(lastSeqOf.get(key));
      if (lastCreateOf.getOrDefault(key, 0L) <= a.seq()) {
        assertThat(stored.version()).as("stored version of %s", key).isGreaterThanOrEqualTo(a.version());
      }
      if (a.seq() == lastSeqOf.get(key)) {
        assertThat(stored.version()).as("stored version of %s", key).isEqualTo(a.version());
      }
    });

    // (d) indexes, tombstone markers and log contiguity agree with the documents.
    IntegrityReport report = store.checkIntegrity();
    assertThat(report.problems()).as("integrity problems").isEmpty();
    assertThat(report.changeEntries()).isEqualTo(entries.size());
  }

  /** Checks that {@code e} is a legal successor of {@code previous}, the document's last after image. */
  private static void checkFollows(ChangeEvent e, Document previous) {
    Document live = previous == null || previous.deleted() ? null : previous;
    Document after = e.after();
    String what = "seq " + e.seq() + " " + e.op() + " " + e.database() + "/" + e.path() + " after " + previous;
    assertThat(e.before()).as("before image of %s", what).isEqualTo(live);
    assertThat(after.path()).as(what).isEqualTo(e.path());
    switch (e.op()) {
      case CREATE -> {
        assertThat(live).as("create over a live document: %s", what).isNull();
        assertThat(after.version()).as("version of %s", what).isEqualTo(1);
        assertThat(after.createdAt()).as("createdAt of %s", what).isEqualTo(e.timestamp());
        assertThat(after.deleted()).as(what).isFalse();
      }
      case UPDATE, DELETE -> {
        assertThat(live).as("%s of a missing document: %s", e.op(), what).isNotNull();
        assertThat(after.version()).as("version of %s", what).isEqualTo(live.version() + 1);
        assertThat(after.createdAt()).as("createdAt of %s", what).isEqualTo(live.createdAt());
        assertThat(after.updatedAt()).as("updatedAt of %s", what).isGreaterThanOrEqualTo(live.updatedAt());
        assertThat(after.deleted()).as(what).isEqualTo(e.op() == Op.DELETE);
        if (e.op() == Op.DELETE) {
          assertThat(after.data()).as("tombstone data of %s", what).isEqualTo(MapValue.EMPTY);
        }
      }
    }
  }

  private static List<ChangeEvent> readAll(ChangeLog log) {
    List<ChangeEvent> all = new ArrayList<>();
    List<ChangeEvent> page;
    while (!(page = log.read(all.size(), 1000)).isEmpty()) {
      all.addAll(page);
    }
    return all;
  }

  private static long countStored(RocksDocumentStore store, String db, CollectionPath collection) {
    long n = 0;
    try (Cursor<Document> c = store.scanCollection(db, collection, null, true)) {
      for (; c.hasNext(); c.next()) {
        n++;
      }
    }
    return n;
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /**
   * The child's stdout, which goes to a file rather than a pipe: {@code Process.destroyForcibly}
   * closes the parent's end of a pipe, losing lines the child wrote just before it died, while
   * the file keeps every one of them. Read on the test thread only, one complete line at a time.
   */
  static final class ChildOutput implements AutoCloseable {
    final List<Ack> acks = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    long launchedAtNanos;
    boolean opened;
    long openedAtNanos;
    long openLastSeq = -1;
    final List<String> openProblems = new ArrayList<>();
    private final RandomAccessFile file;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[1 << 16];

    ChildOutput(Path path) throws IOException {
      file = new RandomAccessFile(path.toFile(), "r");
    }

    /** Parses every complete line the child has written since the last call. */
    void poll() throws IOException {
      int n;
      while ((n = file.read(buffer)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            accept(line.toString(StandardCharsets.UTF_8).split("\t", -1));
            line.reset();
          } else {
            line.write(buffer[i]);
          }
        }
      }
    }

    /** Reads the rest once the child is dead. */
    void finish() throws IOException {
      poll();
      if (line.size() > 0) {
        // Each line is one write(2), so this should not happen; an unfinished line proves nothing either way.
        System.out.println("ignoring an unfinished last line: " + line.toString(StandardCharsets.UTF_8));
      }
    }

    @Override
    public void close() throws IOException {
      file.close();
    }

    private void accept(String[] f) {
      switch (f[0]) {
        case "LAUNCH" -> launchedAtNanos = System.nanoTime();
        case "PROBLEM" -> openProblems.add(f[1]);
        case "OPEN" -> {
          openLastSeq = Long.parseLong(f[1]);
          openedAtNanos = System.nanoTime();
          opened = true;
        }
        case "ACK" -> {
          if (f.length != 8 || !f[7].equals(".")) {
            failures.add("malformed ACK line: " + String.join("\\t", f));
            return;
          }
          acks.add(new Ack(Long.parseLong(f[1]), f[2], DocumentPath.of(f[3]), Op.valueOf(f[4]), Long.parseLong(f[5]),
              (MapValue) Json.parse(f[6])));
        }
        case "FAIL" -> failures.add(String.join(" ", f));
        default -> failures.add("unexpected output: " + String.join("\\t", f));
      }
    }
  }
}
