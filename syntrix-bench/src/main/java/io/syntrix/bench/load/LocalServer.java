package io.syntrix.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code --start-server}: runs {@code bin/syntrix serve} on 127.0.0.1 with a free port, a fresh
 * data directory and rate limits off, waits for its ready line, and stops it (SIGTERM, then
 * SIGKILL after 30 s) at the end. The server's output goes to a log file that is kept.
 */
final class LocalServer implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Syntrix ready on http://127\\.0\\.0\\.1:(\\d+)\\b");

  private final Process process;
  private final Path dataDir;
  private final Path log;
  private final int port;
  private final Thread hook;

  private LocalServer(Process process, Path dataDir, Path log, int port, Thread hook) {
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.port = port;
    this.hook = hook;
  }

  static LocalServer start(Path syntrix, long timeoutSeconds) throws IOException, InterruptedException {
    return start(syntrix, timeoutSeconds, java.util.List.of());
  }

  /** With {@code extraArgs} after the defaults, e.g. {@code --store postgres --postgres-url URL}. */
  static LocalServer start(Path syntrix, long timeoutSeconds, java.util.List<String> extraArgs)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(syntrix)) {
      throw new IOException(syntrix + " is not executable (set --syntrix or run from the repository root)");
    }
    Path dataDir = Files.createTempDirectory("syntrix-load-data-");
    Path log = Files.createTempFile("syntrix-load-server-", ".log");
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(syntrix.toString(), "serve", "--host",
        "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString(), "--no-rate-limit"));
    command.addAll(extraArgs);
    ProcessBuilder pb = new ProcessBuilder(command);
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    // A password the policy accepts; set so the server does not print a generated one.
    pb.environment().put("SYNTRIX_ADMIN_PASSWORD", "Load-" + HexFormat.of().formatHex(secret) + "-A1");
    pb.environment().putIfAbsent("SYNTRIX_LOG_LEVEL", "WARN");
    pb.redirectErrorStream(true);
    Process process = pb.start();
    Thread hook = Thread.ofPlatform().unstarted(() -> {
      stopProcess(process);
      deleteTree(dataDir);
    });
    Runtime.getRuntime().addShutdownHook(hook);
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("syntrix-server-output").start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          Matcher m = READY.matcher(line);
          if (m.find()) {
            ready.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IOException("the server exited before it was ready; see " + log));
    });
    try {
      int port = ready.get(timeoutSeconds, TimeUnit.SECONDS);
      return new LocalServer(process, dataDir, log, port, hook);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      stopProcess(process);
      Runtime.getRuntime().removeShutdownHook(hook);
      deleteTree(dataDir);
      Throwable cause = e instanceof TimeoutException ? new IOException("no ready line within " + timeoutSeconds
          + " s; see " + log) : e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    stopProcess(process);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    deleteTree(dataDir);
  }

  private static void stopProcess(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("syntrix-bench: could not delete " + dir + ": " + e.getMessage());
    }
  }

  /** VmRSS of a process in KiB, from /proc/&lt;pid&gt;/status, or -1. */
  static long rssKb(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * CPU time (user + system) of a process in clock ticks, from /proc/&lt;pid&gt;/stat fields 14
   * and 15, or -1. Linux uses 100 ticks per second on every common platform.
   */
  static long cpuTicks(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may contain spaces; fields after it start past the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static final double TICKS_PER_SECOND = 100.0;

  /** Busy CPU time of the whole machine in clock ticks (all cores; /proc/stat minus idle and iowait), or -1. */
  static long machineBusyTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
        total += Long.parseLong(f[i]);
      }
      return total - Long.parseLong(f[4]) - Long.parseLong(f[5]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
