package io.syntrix.query;

import io.syntrix.model.Value;
import io.syntrix.store.IndexRange;
import java.util.List;

/** The access path of a plan: where candidate documents come from and in which order. */
sealed interface Route {
  /** Filters that no value can satisfy: nothing is read. */
  record Empty(String reason) implements Route {}

  /** Point reads of these ids (distinct, ascending): id order. */
  record PointGets(List<String> ids) implements Route {}

  /** Every document of the collection in id order (descending when asked). */
  record CollectionScan(boolean descending) implements Route {}

  /**
   * One equality scan of {@code field}'s index per value, merged by id: id order, streamed.
   * {@code estimate} is the probed entry count (capped), or -1 when not probed.
   */
  record IndexEquality(String field, List<Value> values, long estimate) implements Route {}

  /**
   * The entries of {@code field}'s index in {@code ranges}; their ids are collected (found few by
   * a probe) and read in id order. Falls back to a collection scan when the ranges grew past
   * {@code bound} ids since planning, so memory stays bounded.
   */
  record IndexIds(String field, List<IndexRange> ranges, long estimate, long bound) implements Route {}

  /**
   * {@code field}'s index over {@code ranges} in value order (then id), descending when asked;
   * with {@code withMissing} the documents lacking the field are merged in at the null position.
   */
  record IndexOrdered(String field, List<IndexRange> ranges, boolean descending, boolean withMissing)
      implements Route {}
}
