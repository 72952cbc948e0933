package io.syntrix.streamer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link InProcessStreamer}.
 *
 * @param meters             where the streamer's metrics go (a private registry by default; the
 *                           server passes the one it serves at {@code /metrics})
 * @param checkpoint         where the puller records its position
 * @param queueCapacity      deliveries a gateway may have waiting before it is cut off (default 10,000)
 * @param queueBytes         estimated bytes of documents a gateway may have waiting before it is cut
 *                           off (default 64 MiB; see {@link EventSize} for what is counted)
 * @param readBatch          change-log entries read per call by the puller and by replays (default 512)
 * @param checkpointInterval how often a moving position is recorded (default 1 s; always on close)
 * @param idleWait           how long the puller waits for a commit before checking for shutdown and
 *                           recording its position (default 500 ms)
 * @param retryPause         how long the puller waits before retrying a failed read or change
 *                           (default 1 s; a change is given up after three attempts)
 */
public record StreamerOptions(MeterRegistry meters, Checkpoint checkpoint, int queueCapacity, long queueBytes,
                              int readBatch, Duration checkpointInterval, Duration idleWait, Duration retryPause) {
  public StreamerOptions {
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(checkpoint, "checkpoint");
    if (queueCapacity < 1 || queueBytes < 1 || readBatch < 1 || checkpointInterval.isNegative()
        || idleWait.isNegative() || idleWait.isZero() || retryPause.isNegative()) {
      throw new IllegalArgumentException("queue capacity, queue bytes, read batch and idle wait must be positive; "
          + "got " + queueCapacity + ", " + queueBytes + ", " + readBatch + ", " + idleWait);
    }
  }

  public static StreamerOptions defaults() {
    return new StreamerOptions(new SimpleMeterRegistry(), Checkpoint.inMemory(), 10_000, 64L << 20, 512,
        Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  public StreamerOptions withMeters(MeterRegistry meters) {
    return new StreamerOptions(meters, checkpoint, queueCapacity, queueBytes, readBatch, checkpointInterval, idleWait,
        retryPause);
  }

  public StreamerOptions withCheckpoint(Checkpoint checkpoint) {
    return new StreamerOptions(meters, checkpoint, queueCapacity, queueBytes, readBatch, checkpointInterval, idleWait,
        retryPause);
  }

  public StreamerOptions withQueueCapacity(int queueCapacity) {
    return new StreamerOptions(meters, checkpoint, queueCapacity, queueBytes, readBatch, checkpointInterval, idleWait,
        retryPause);
  }

  public StreamerOptions withQueueBytes(long queueBytes) {
    return new StreamerOptions(meters, checkpoint, queueCapacity, queueBytes, readBatch, checkpointInterval, idleWait,
        retryPause);
  }

  public StreamerOptions withReadBatch(int readBatch) {
    return new StreamerOptions(meters, checkpoint, queueCapacity, queueBytes, readBatch, checkpointInterval, idleWait,
        retryPause);
  }

  public StreamerOptions withCheckpointInterval(Duration checkpointInterval) {
    return new StreamerOptions(meters, checkpoint, queueCapacity, queueBytes, readBatch, checkpointInterval, idleWait,
        retryPause);
  }

  public StreamerOptions withRetryPause(Duration retryPause) {
    return new StreamerOptions(meters, checkpoint, queueCapacity, queueBytes, readBatch, checkpointInterval, idleWait,
        retryPause);
  }
}
