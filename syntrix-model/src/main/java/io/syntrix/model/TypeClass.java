package io.syntrix.model;

/** D4 type classes in their cross-type order: null &lt; booleans &lt; numbers &lt; strings &lt; arrays &lt; maps. */
public enum TypeClass {
  NULL,
  BOOLEAN,
  NUMBER,
  STRING,
  ARRAY,
  MAP;

  /** True for the classes that get an automatic single-field index. */
  public boolean isScalar() {
    return this != ARRAY && this != MAP;
  }
}
