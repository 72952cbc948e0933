package io.syntrix.testkit;

import io.syntrix.model.Json;
import io.syntrix.model.Value;

/**
 * A row of the D4 conformance table that describes a filter which must be refused with an
 * {@link io.syntrix.model.InvalidInputException} (a 400 on the wire): an unknown operator, a bad
 * list operand, a malformed field name. Kept as raw parts because no {@code Filter} can hold them.
 */
public record D4Rejection(int line, String field, String op, Value value) {
  @Override
  public String toString() {
    return "line " + line + ": '" + field + "' '" + op + "' " + Json.toString(value) + " -> rejected";
  }
}
