package io.syntrix.streamer.match;

/**
 * A compiled subscription's place in one {@link Matcher}: returned by {@link Matcher#add}, passed
 * to {@link MatchSink#matched} and to {@link Matcher#remove}. It carries the caller's
 * {@code attachment} (the streamer hangs its per-subscription delivery state there) so a match
 * needs no lookup.
 *
 * <p>The bookkeeping fields belong to the matcher that created the registration and are touched
 * only under that matcher's external serialisation.
 */
public final class Registration {
  private final CompiledSubscription compiled;
  private final Object attachment;

  /** The buckets holding this registration and its slot in each (parallel arrays). */
  Bucket[] buckets;
  int[] slots;
  CollectionIndex collection;
  /** The field index of an indexed placement; null for a residual one. */
  FieldIndex field;
  /** The index hit alone decides a match (the presearch conjunct is the whole predicate). */
  boolean exact;
  /** Exact and in a single equality or range bucket: the images that find it decide it, no deduplication needed. */
  boolean direct;
  boolean residual;
  boolean removed;
  /** The matcher's epoch when this registration was last hit, and which images hit it then. */
  long mark = -1;
  int flags;

  Registration(CompiledSubscription compiled, Object attachment) {
    this.compiled = compiled;
    this.attachment = attachment;
  }

  public CompiledSubscription compiled() {
    return compiled;
  }

  public Subscription subscription() {
    return compiled.subscription();
  }

  public Object attachment() {
    return attachment;
  }

  /** The slot this registration holds in {@code bucket}. */
  int slotIn(Bucket bucket) {
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i] == bucket) {
        return i;
      }
    }
    throw new IllegalStateException("registration is not in this bucket");
  }

  @Override
  public String toString() {
    return compiled.toString();
  }
}
