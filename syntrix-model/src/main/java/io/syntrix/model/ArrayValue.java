package io.syntrix.model;

import java.util.List;

/** An immutable JSON array. */
public record ArrayValue(List<Value> elements) implements Value {
  public static final ArrayValue EMPTY = new ArrayValue(List.of());

  public ArrayValue {
    elements = List.copyOf(elements);
  }

  public static ArrayValue of(Value... elements) {
    return new ArrayValue(List.of(elements));
  }

  @Override
  public TypeClass typeClass() {
    return TypeClass.ARRAY;
  }

  @Override
  public String toString() {
    return elements.toString();
  }
}
