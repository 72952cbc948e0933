package io.syntrix.model;

/** A validated document path: an even number of segments ({@code users/alice}). */
public record DocumentPath(String value) {
  public DocumentPath {
    String[] segments = ResourcePaths.segments(value, "document");
    InvalidInputException.check(segments.length % 2 == 0,
        "'" + value + "' is not a document path (documents have an even number of segments)");
  }

  public static DocumentPath of(String path) {
    return new DocumentPath(path);
  }

  /** The parent collection: every segment but the last. */
  public CollectionPath collection() {
    return new CollectionPath(value.substring(0, value.lastIndexOf('/')));
  }

  /** The last segment. */
  public String id() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return value;
  }
}
