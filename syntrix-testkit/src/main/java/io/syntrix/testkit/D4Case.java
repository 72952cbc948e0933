package io.syntrix.testkit;

import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;

/**
 * One row of the D4 conformance table: whether {@code filter} matches the flattened
 * {@code document}. {@code line} is the row's line in {@code d4-conformance.txt}, so a failure
 * points straight at the case.
 */
public record D4Case(int line, boolean expected, Filter filter, MapValue document) {
  @Override
  public String toString() {
    return "line " + line + ": " + filter.field() + " " + filter.op() + " " + Json.toString(filter.value())
        + " on " + Json.toString(document) + " -> " + expected;
  }
}
