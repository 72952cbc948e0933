package io.syntrix.gateway.realtime;

/**
 * The byte rate every catch-up of the server shares ({@link RealtimeOptions#catchUpBytesPerSecond}).
 * Each connection already paces its own catch-up by its outbox; this bounds their sum, so many
 * clients resuming at once (a reconnect storm, {@code resumeAfter: 0} loops) cost a bounded share
 * of CPU, allocation and disk reads, and live delivery keeps the rest.
 *
 * <p>A virtual clock: each page moves {@code nextFree} on by its bytes' time at the rate, and
 * the next page of whoever comes waits until then. Idle time builds up at most {@link #BURST_NANOS}
 * of credit. Thread-safe; the critical section is a few arithmetic operations.
 */
final class CatchUpRate {
  static final long BURST_NANOS = 100_000_000L;

  private final long bytesPerSecond;
  private long nextFreeNanos = Long.MIN_VALUE;

  CatchUpRate(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  /** Accounts for {@code bytes} just sent at {@code nowNanos}; returns how long (ms) the next page must wait. */
  synchronized long waitMillisAfter(long bytes, long nowNanos) {
    if (bytesPerSecond <= 0) {
      return 0;
    }
    long start = Math.max(nextFreeNanos, nowNanos - BURST_NANOS);
    nextFreeNanos = start + (long) (bytes * 1e9 / bytesPerSecond);
    long waitNanos = nextFreeNanos - nowNanos;
    return waitNanos <= 0 ? 0 : Math.max(1, waitNanos / 1_000_000);
  }
}
