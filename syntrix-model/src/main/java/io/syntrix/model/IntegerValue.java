package io.syntrix.model;

/** A signed 64-bit integer; equal to a {@link DoubleValue} of the same numeric value. */
public record IntegerValue(long value) implements Value {
  private static final IntegerValue[] SMALL = new IntegerValue[1025];

  static {
    for (int i = 0; i < SMALL.length; i++) {
      SMALL[i] = new IntegerValue(i - 1);
    }
  }

  /** Shares instances for -1..1023 (versions, counters) to keep hot paths allocation-light. */
  public static IntegerValue of(long v) {
    return v >= -1 && v < SMALL.length - 1 ? SMALL[(int) v + 1] : new IntegerValue(v);
  }

  @Override
  public TypeClass typeClass() {
    return TypeClass.NUMBER;
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
