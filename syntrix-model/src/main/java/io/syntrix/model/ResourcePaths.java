package io.syntrix.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validation rules for databases, collection and document paths and document ids (reference
 * data §1.1). A path is {@code /}-separated; an odd number of segments names a collection
 * ({@code rooms/r1/messages}), an even number a document ({@code rooms/r1/messages/m1}).
 */
public final class ResourcePaths {
  public static final int MAX_PATH_LENGTH = 1024;
  public static final int MAX_PATH_ID_LENGTH = 128;
  public static final int MAX_BODY_ID_LENGTH = 64;
  public static final int MAX_DATABASE_LENGTH = 64;

  private static final Pattern PATH_CHARS = Pattern.compile("[a-zA-Z0-9_\\-./]+");
  private static final Pattern BODY_ID = Pattern.compile("[a-zA-Z0-9_\\-.]{1," + MAX_BODY_ID_LENGTH + "}");
  // Slugs, 16-hex ids and the "id:<hex>" form all fit; the identity layer resolves them to one key.
  private static final Pattern DATABASE = Pattern.compile("[a-zA-Z0-9_\\-:]{1," + MAX_DATABASE_LENGTH + "}");

  private ResourcePaths() {}

  public static String requireDatabase(String database) {
    InvalidInputException.check(database != null && DATABASE.matcher(database).matches(),
        "invalid database name: " + quote(database));
    return database;
  }

  /** Splits and validates a path; {@code what} names it in errors. */
  static String[] segments(String path, String what) {
    InvalidInputException.check(path != null && !path.isEmpty(), what + " path is empty");
    InvalidInputException.check(path.length() <= MAX_PATH_LENGTH,
        what + " path is longer than " + MAX_PATH_LENGTH + " characters");
    InvalidInputException.check(PATH_CHARS.matcher(path).matches(),
        what + " path " + quote(path) + " may only contain letters, digits, '_', '-', '.' and '/'");
    InvalidInputException.check(!path.startsWith("/") && !path.endsWith("/") && !path.contains("//"),
        what + " path " + quote(path) + " has an empty segment");
    String[] segments = path.split("/");
    for (int i = 1; i < segments.length; i += 2) {
      InvalidInputException.check(segments[i].length() <= MAX_PATH_ID_LENGTH,
          "document id " + quote(segments[i]) + " is longer than " + MAX_PATH_ID_LENGTH + " characters");
    }
    return segments;
  }

  /**
   * The id a client put in a document body: a string of 1..64 of {@code [a-zA-Z0-9_.-]}. Anything
   * else, a number included, is refused (as the original server does: a JSON number is not an id).
   */
  public static String bodyId(Value id) {
    if (!(id instanceof StringValue str)) {
      throw new InvalidInputException("document id must be a string, got a "
          + id.typeClass().name().toLowerCase(Locale.ROOT));
    }
    String s = str.value();
    InvalidInputException.check(BODY_ID.matcher(s).matches(),
        "document id " + quote(s) + " must be 1-" + MAX_BODY_ID_LENGTH + " characters of [a-zA-Z0-9_.-]");
    return s;
  }

  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
  }
}
