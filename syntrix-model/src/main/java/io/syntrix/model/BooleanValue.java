package io.syntrix.model;

public record BooleanValue(boolean value) implements Value {
  public static final BooleanValue TRUE = new BooleanValue(true);
  public static final BooleanValue FALSE = new BooleanValue(false);

  public static BooleanValue of(boolean v) {
    return v ? TRUE : FALSE;
  }

  @Override
  public TypeClass typeClass() {
    return TypeClass.BOOLEAN;
  }

  @Override
  public String toString() {
    return Boolean.toString(value);
  }
}
