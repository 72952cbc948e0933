package io.syntrix.streamer.match;

import io.syntrix.model.ChangeEvent.Op;

/**
 * Receives the matches of one change, one call per matching subscription, in no particular
 * order, on the thread that called {@link Matcher#match}. The operation is relative to the
 * subscription's result set: {@code CREATE} the document entered it, {@code UPDATE} it changed
 * inside it, {@code DELETE} it left it (or was deleted).
 */
@FunctionalInterface
public interface MatchSink {
  /** Must not add or remove registrations of the matcher that is calling it. */
  void matched(Registration registration, Op op);
}
