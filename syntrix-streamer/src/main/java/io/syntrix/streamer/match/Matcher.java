package io.syntrix.streamer.match;

import io.syntrix.model.MapValue;

/**
 * Matches changes against a set of subscriptions, classifying each match by the document's
 * <b>before and after images</b> (D6): after only → {@code CREATE} (the document entered the
 * subscription's result set), both → {@code UPDATE}, before only → {@code DELETE} (it left, or was
 * deleted), neither → no match.
 *
 * <p>Two implementations: {@link #indexed()}, the presearch index with exact confirm used by the
 * streamer, and {@link #linear()}, the baseline that evaluates every subscription of the
 * collection (what the original system did), kept for differential tests and benchmarks.
 *
 * <p><b>Threads.</b> Implementations are not thread-safe: the owner serialises {@code add},
 * {@code remove} and {@code match}. None of them does I/O or starts threads.
 */
public interface Matcher {

  /** Adds a subscription; the returned registration is what {@link MatchSink} receives. */
  Registration add(CompiledSubscription subscription, Object attachment);

  /** Removes a registration this matcher returned; a second removal is a no-op. */
  void remove(Registration registration);

  /** How many registrations are live. */
  int size();

  /**
   * Matches one change of a document of {@code collection} in {@code database}.
   *
   * @param before the flattened live document before the change ({@code Document.toFlat()}), or
   *               null when it did not exist
   * @param after  the flattened live document after the change, or null when it was deleted
   * @return how many subscriptions matched (each reported once to {@code sink})
   */
  int match(String database, String collection, MapValue before, MapValue after, MatchSink sink);

  /** The presearch index with hash, element-hash and range placements, plus the residual list. */
  static Matcher indexed() {
    return new IndexedMatcher(new SubscriptionIndex(true));
  }

  /** The index without range placements: {@code ==}/{@code in}/contains hashes plus the residual list. */
  static Matcher indexedWithoutRanges() {
    return new IndexedMatcher(new SubscriptionIndex(false));
  }

  /** Every subscription of the collection evaluated on both images: the baseline. */
  static Matcher linear() {
    return new LinearMatcher();
  }
}
