package io.syntrix.model;

/**
 * A dotted field name split once into segments: {@code a.b.c} addresses {@code doc.a.b.c}
 * through nested maps. Resolving allocates nothing.
 */
public final class FieldPath {
  private final String text;
  private final String[] segments;

  private FieldPath(String text, String[] segments) {
    this.text = text;
    this.segments = segments;
  }

  public static FieldPath parse(String text) {
    InvalidInputException.check(text != null && !text.isEmpty(), "filter field is empty");
    String[] segments = text.split("\\.", -1);
    for (String s : segments) {
      InvalidInputException.check(!s.isEmpty(), "field path " + ResourcePaths.quote(text) + " has an empty segment");
    }
    return new FieldPath(text, segments);
  }

  /** The value at this path, or null when any step is missing or not a map. */
  public Value resolve(MapValue doc) {
    Value v = doc.get(segments[0]);
    for (int i = 1; i < segments.length && v != null; i++) {
      v = v instanceof MapValue m ? m.get(segments[i]) : null;
    }
    return v;
  }

  /** True for a single-segment path (a top-level field, the only kind with an index). */
  public boolean isTopLevel() {
    return segments.length == 1;
  }

  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldPath f && f.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
