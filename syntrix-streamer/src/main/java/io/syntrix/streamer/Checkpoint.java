package io.syntrix.streamer;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Where the puller records its position (the seq of the last change it fully processed) so that a
 * restarted streamer resumes there instead of at the head of the log. Called only from the puller
 * thread; implementations need not be thread-safe.
 */
public interface Checkpoint {

  /** The recorded position, or empty when none was recorded yet. */
  OptionalLong load();

  /** Records a position; may throw {@link java.io.UncheckedIOException}, the puller retries later. */
  void store(long seq);

  /** A checkpoint kept in memory only: every start begins at the head of the log. */
  static Checkpoint inMemory() {
    return new Checkpoint() {
      private OptionalLong seq = OptionalLong.empty();

      @Override
      public OptionalLong load() {
        return seq;
      }

      @Override
      public void store(long s) {
        seq = OptionalLong.of(s);
      }
    };
  }

  /** A checkpoint in a small text file, replaced atomically on every store. */
  static Checkpoint file(Path file) {
    return new FileCheckpoint(file);
  }
}
