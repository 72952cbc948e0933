package io.syntrix.model;

import java.util.Objects;

/**
 * A stored document: its path, the client's fields ({@code data}, never holding a system field)
 * and the system fields the store maintains. A tombstone ({@code deleted}) has empty data.
 */
public record Document(DocumentPath path, MapValue data, long version, long createdAt, long updatedAt, boolean deleted) {
  public Document {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(data, "data");
  }

  public String id() {
    return path.id();
  }

  public CollectionPath collection() {
    return path.collection();
  }

  /**
   * The flattened wire form: the data fields, then {@code id}, {@code collection}, {@code version},
   * {@code updatedAt}, {@code createdAt}, and {@code deleted: true} for tombstones only. This is
   * also the shape filters are evaluated against.
   */
  public MapValue toFlat() {
    MapValue.Builder b = MapValue.builder().putAll(data)
        .put(SystemFields.ID, new StringValue(id()))
        .put(SystemFields.COLLECTION, new StringValue(collection().value()))
        .put(SystemFields.VERSION, IntegerValue.of(version))
        .put(SystemFields.UPDATED_AT, IntegerValue.of(updatedAt))
        .put(SystemFields.CREATED_AT, IntegerValue.of(createdAt));
    if (deleted) {
      b.put(SystemFields.DELETED, BooleanValue.TRUE);
    }
    return b.build();
  }
}
