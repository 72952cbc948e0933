package io.syntrix.store.postgres;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.postgres.PostgresCrashAudit.Ack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One incarnation of a {@link PostgresCrashChild} as {@link PostgresCrashTest} sees it: the process
 * (stopped only by its own pid, with SIGKILL) and what it has written to its stdout file so far.
 *
 * <p>The child's stdout goes to a file rather than a pipe: {@code Process.destroyForcibly} closes
 * the test's end of a pipe, losing lines the child wrote just before it died, while the file keeps
 * every one of them. Used by the test thread only; {@link #poll} reads complete lines only.
 */
final class CrashChildProcess implements AutoCloseable {
  final String name;
  final PostgresCrashChild.Role role;
  final List<Ack> acks = new ArrayList<>();
  final List<String> failures = new ArrayList<>();
  final long launchedAtNanos = System.nanoTime();
  boolean opened;
  /** The last role report of a sequencer process: true after ACTIVE, false after STANDBY. */
  boolean active;
  int noAcks;
  private final Process process;
  private final Path stderr;
  private final RandomAccessFile stdout;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final byte[] buffer = new byte[1 << 16];

  private CrashChildProcess(String name, PostgresCrashChild.Role role, Process process, Path stdout, Path stderr)
      throws IOException {
    this.name = name;
    this.role = role;
    this.process = process;
    this.stderr = stderr;
    this.stdout = new RandomAccessFile(stdout.toFile(), "r");
  }

  /**
   * Starts a child JVM on the test's classpath, with a small heap, C1 only and {@link CrashChildLogging}
   * instead of logback: 2 cores are shared by everything, and a child's start is part of each round.
   */
  static CrashChildProcess launch(Path dir, String name, PostgresCrashChild.Role role, String jdbcUrl, long seed)
      throws IOException {
    Path stdout = dir.resolve(name + ".stdout");
    Path stderr = dir.resolve(name + ".stderr");
    Files.createFile(stdout);
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dslf4j.provider=" + CrashChildLogging.class.getName(),
        "-cp", System.getProperty("java.class.path"), PostgresCrashChild.class.getName(),
        role.name(), jdbcUrl, Long.toString(seed), name)
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    try {
      return new CrashChildProcess(name, role, p, stdout, stderr);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Parses every complete line the child has written since the last call. */
  void poll() throws IOException {
    int n;
    while ((n = stdout.read(buffer)) > 0) {
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

  /**
   * SIGKILL ({@code destroyForcibly} on Linux), then reads the rest of the output. Fails when the
   * process had already exited by itself, or did not die of the signal.
   */
  void kill() throws IOException, InterruptedException {
    if (!process.isAlive()) {
      poll();
      throw new AssertionError(name + " (pid " + pid() + ") exited by itself with status " + process.exitValue()
          + " before the test killed it; reported " + failures + "; stderr:\n" + stderrTail());
    }
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " (pid " + pid() + ") still alive 10 s after SIGKILL");
    }
    if (process.exitValue() != 128 + 9) {
      throw new AssertionError(name + " (pid " + pid() + ") exited with " + process.exitValue() + ", not by SIGKILL");
    }
    poll();
    if (line.size() > 0) {
      // Each line is one write(2), so this should not happen; an unfinished line proves nothing either way.
      System.out.println(name + ": ignoring an unfinished last line: " + line.toString(StandardCharsets.UTF_8));
    }
  }

  String stderrTail() {
    try {
      List<String> lines = Files.exists(stderr) ? Files.readAllLines(stderr) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + stderr + ": " + e + ")";
    }
  }

  /** Kills the process by its pid if it still runs (also when the test failed), and closes the output file. */
  @Override
  public void close() throws IOException {
    try {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stdout.close();
    }
  }

  private void accept(String[] f) {
    switch (f[0]) {
      case "LAUNCH" -> { }
      case "OPEN" -> opened = true;
      case "ACTIVE" -> active = true;
      case "STANDBY" -> active = false;
      case "NOACK" -> noAcks++;
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
