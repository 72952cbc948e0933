package io.syntrix.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** CPU time of the store's committer thread ({@code syntrix-committer}); one store per JVM. */
final class CommitterCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CommitterCpu() {}

  /** Nanoseconds of CPU the committer has used so far, or -1 when it is not running or not measurable. */
  static long nanos() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("syntrix-committer")) {
        return THREADS.getThreadCpuTime(t.threadId());
      }
    }
    return -1;
  }
}
