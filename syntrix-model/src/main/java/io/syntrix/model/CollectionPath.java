package io.syntrix.model;

/** A validated collection path: an odd number of segments ({@code users}, {@code rooms/r1/messages}). */
public record CollectionPath(String value) {
  public CollectionPath {
    String[] segments = ResourcePaths.segments(value, "collection");
    InvalidInputException.check(segments.length % 2 == 1,
        "'" + value + "' is not a collection path (collections have an odd number of segments)");
  }

  public static CollectionPath of(String path) {
    return new CollectionPath(path);
  }

  public DocumentPath document(String id) {
    return new DocumentPath(value + "/" + id);
  }

  @Override
  public String toString() {
    return value;
  }
}
