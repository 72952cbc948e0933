package io.syntrix.model;

/** JSON {@code null}. A present null is not a missing field. */
public enum NullValue implements Value {
  INSTANCE;

  @Override
  public TypeClass typeClass() {
    return TypeClass.NULL;
  }

  @Override
  public String toString() {
    return "null";
  }
}
