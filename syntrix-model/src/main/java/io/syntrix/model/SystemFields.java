package io.syntrix.model;

import java.util.Set;

/** Names of the fields the store owns. Clients may send {@code id} (it must match the path), never the rest. */
public final class SystemFields {
  public static final String ID = "id";
  public static final String COLLECTION = "collection";
  public static final String VERSION = "version";
  public static final String CREATED_AT = "createdAt";
  public static final String UPDATED_AT = "updatedAt";
  public static final String DELETED = "deleted";

  /** Fields a client write may not carry. */
  public static final Set<String> RESERVED = Set.of(COLLECTION, VERSION, CREATED_AT, UPDATED_AT, DELETED);

  /** System fields with an automatic single-field index (the id is the primary key order). */
  public static final Set<String> INDEXED = Set.of(VERSION, CREATED_AT, UPDATED_AT);

  private SystemFields() {}

  public static boolean isSystem(String field) {
    return ID.equals(field) || RESERVED.contains(field);
  }
}
