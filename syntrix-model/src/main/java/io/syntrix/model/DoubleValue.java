package io.syntrix.model;

/** A finite IEEE double. NaN and infinities cannot come from JSON and are refused. */
public record DoubleValue(double value) implements Value {
  public DoubleValue {
    InvalidInputException.check(Double.isFinite(value), "numbers must be finite");
  }

  @Override
  public TypeClass typeClass() {
    return TypeClass.NUMBER;
  }

  @Override
  public String toString() {
    return Double.toString(value);
  }
}
