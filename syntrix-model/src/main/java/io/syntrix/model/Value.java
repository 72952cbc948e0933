package io.syntrix.model;

/**
 * A JSON value as Syntrix stores and compares it. Integers (int64) and doubles are distinct
 * types that compare numerically; {@link Values} holds the D4 total order and equality.
 */
public sealed interface Value
    permits NullValue, BooleanValue, IntegerValue, DoubleValue, StringValue, ArrayValue, MapValue {

  /** The D4 type class, in cross-type order. */
  TypeClass typeClass();

  static Value of(long v) {
    return IntegerValue.of(v);
  }

  static Value of(double v) {
    return new DoubleValue(v);
  }

  static Value of(String v) {
    return new StringValue(v);
  }

  static Value of(boolean v) {
    return BooleanValue.of(v);
  }

  static Value nullValue() {
    return NullValue.INSTANCE;
  }
}
