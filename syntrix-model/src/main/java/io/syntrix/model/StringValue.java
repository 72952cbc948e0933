package io.syntrix.model;

import java.util.Objects;

/** A string; strings order by Unicode code point (see {@link Values#compareStrings}). */
public record StringValue(String value) implements Value {
  public StringValue {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public TypeClass typeClass() {
    return TypeClass.STRING;
  }

  @Override
  public String toString() {
    return '"' + value + '"';
  }
}
