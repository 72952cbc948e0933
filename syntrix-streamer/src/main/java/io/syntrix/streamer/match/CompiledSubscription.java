package io.syntrix.streamer.match;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.Filter;
import io.syntrix.model.FilterOp;
import io.syntrix.model.MapValue;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link Subscription} compiled once: its filters as the model's allocation-free
 * {@link DocumentPredicate} (the D4 evaluator) and its {@link Presearch} conjunct with the
 * canonical hash keys that conjunct contributes. Immutable and thread-safe, so one compiled
 * subscription can sit in several indexes (the live one and a replay's).
 *
 * <p><b>Choosing the presearch conjunct.</b> The most selective indexable conjunct wins, in this
 * order: {@code id ==} (one document), {@code id in}, any other {@code ==}, {@code in} (the shortest list first),
 * {@code array-contains}, {@code array-contains-any} (shortest first), a range bound
 * ({@code < <= > >=}); ties go to the filter written first. Subscriptions with none of these
 * ({@code !=}, {@code not-in}, or no filters) are residual.
 */
public final class CompiledSubscription {
  private final Subscription subscription;
  private final DocumentPredicate predicate;
  private final Presearch presearch;
  /** Distinct canonical keys of an EQUAL or CONTAINS conjunct; empty otherwise. */
  final Object[] keys;

  private CompiledSubscription(Subscription subscription) {
    this.subscription = subscription;
    this.predicate = DocumentPredicate.compile(subscription.filters());
    this.presearch = choose(subscription.filters());
    this.keys = keysOf(presearch);
  }

  public static CompiledSubscription compile(Subscription subscription) {
    return new CompiledSubscription(subscription);
  }

  public Subscription subscription() {
    return subscription;
  }

  public Presearch presearch() {
    return presearch;
  }

  /** The full D4 predicate on a flattened document image. */
  public boolean test(MapValue flatDocument) {
    return predicate.test(flatDocument);
  }

  private static Presearch choose(List<Filter> filters) {
    Filter best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Filter f : filters) {
      int rank = rank(f);
      if (rank < bestRank) {
        best = f;
        bestRank = rank;
      }
    }
    if (best == null) {
      return Presearch.NONE;
    }
    Presearch.Kind kind = switch (best.op()) {
      case EQ, IN -> Presearch.Kind.EQUAL;
      case ARRAY_CONTAINS, ARRAY_CONTAINS_ANY -> Presearch.Kind.CONTAINS;
      default -> Presearch.Kind.RANGE;
    };
    return new Presearch(kind, best, filters.size() == 1);
  }

  /** Lower is more selective; MAX_VALUE means not indexable. List operators rank by list length. */
  private static int rank(Filter f) {
    return switch (f.op()) {
      case EQ -> SystemFields.ID.equals(f.field()) ? 0 : 100;
      case IN -> (SystemFields.ID.equals(f.field()) ? 1 : 200) + listSize(f);
      case ARRAY_CONTAINS -> 300;
      case ARRAY_CONTAINS_ANY -> 400 + listSize(f);
      case LT, LTE, GT, GTE -> 500;
      case NE, NOT_IN -> Integer.MAX_VALUE;
    };
  }

  private static int listSize(Filter f) {
    return ((ArrayValue) f.value()).elements().size();
  }

  private static Object[] keysOf(Presearch p) {
    if (p.kind() != Presearch.Kind.EQUAL && p.kind() != Presearch.Kind.CONTAINS) {
      return new Object[0];
    }
    Filter f = p.filter();
    List<Value> operands = f.op() == FilterOp.IN || f.op() == FilterOp.ARRAY_CONTAINS_ANY
        ? ((ArrayValue) f.value()).elements() : List.of(f.value());
    Set<Object> distinct = new LinkedHashSet<>();
    for (Value v : operands) {
      distinct.add(ValueKeys.of(v));
    }
    return new ArrayList<>(distinct).toArray();
  }

  @Override
  public String toString() {
    return subscription.id() + " on " + subscription.database() + "/" + subscription.collection() + " " + presearch;
  }
}
