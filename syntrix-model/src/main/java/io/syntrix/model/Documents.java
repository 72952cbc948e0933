package io.syntrix.model;

import java.util.UUID;

/** Checks a client's document body before anything is written. */
public final class Documents {
  /** Largest accepted document, as compact JSON of its data. */
  public static final int MAX_DOCUMENT_BYTES = 1 << 20;
  /** Longest field name in UTF-8 bytes, at any depth (Firestore's limit; index keys hold top-level names). */
  public static final int MAX_FIELD_NAME_BYTES = 1500;

  private Documents() {}

  /** A fresh random document id (UUIDv4 text, as the original system generates). */
  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /**
   * Validates client data for the document {@code id} and returns what is stored: without an
   * {@code id} field (the id lives in the path) and without the system fields the server sets
   * ({@link SystemFields#RESERVED}: a client that read a document and writes it back sends them,
   * as the original server allows, so they are dropped, not refused). Refuses an {@code id} that
   * differs from the path or is not a valid id string, nesting deeper than {@link Json#MAX_DEPTH},
   * field names over {@link #MAX_FIELD_NAME_BYTES}, and bodies over 1 MiB.
   */
  public static MapValue clientData(MapValue data, String id) {
    Value bodyId = data.get(SystemFields.ID);
    if (bodyId != null) {
      InvalidInputException.check(ResourcePaths.bodyId(bodyId).equals(id),
          "document id cannot be changed (body id " + bodyId + ", path id '" + id + "')");
    }
    if (bodyId != null || hasSystemField(data)) {
      MapValue.Builder user = MapValue.builder().putAll(data).remove(SystemFields.ID);
      SystemFields.RESERVED.forEach(user::remove);
      data = user.build();
    }
    checkDepth(data, 1);
    long size = Json.encodedLength(data);
    if (size > MAX_DOCUMENT_BYTES) {
      throw InvalidInputException.tooLarge("document is " + size + " bytes; the limit is " + MAX_DOCUMENT_BYTES);
    }
    return data;
  }

  private static boolean hasSystemField(MapValue data) {
    for (String name : SystemFields.RESERVED) {
      if (data.get(name) != null) {
        return true;
      }
    }
    return false;
  }

  private static void checkDepth(Value v, int depth) {
    InvalidInputException.check(depth <= Json.MAX_DEPTH, "document nests deeper than " + Json.MAX_DEPTH + " levels");
    switch (v) {
      case MapValue m -> m.fields().forEach((name, c) -> {
        checkName(name);
        checkChild(c, depth);
      });
      case ArrayValue a -> a.elements().forEach(c -> checkChild(c, depth));
      default -> { }
    }
  }

  private static void checkName(String name) {
    // UTF-8 needs at most 3 bytes per char, so only long names are measured.
    if (name.length() * 3L > MAX_FIELD_NAME_BYTES) {
      int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      InvalidInputException.check(bytes <= MAX_FIELD_NAME_BYTES, "field name " + ResourcePaths.quote(name) + " is "
          + bytes + " bytes; the limit is " + MAX_FIELD_NAME_BYTES);
    }
  }

  private static void checkChild(Value child, int depth) {
    if (child instanceof MapValue || child instanceof ArrayValue) {
      checkDepth(child, depth + 1);
    }
  }
}
