package io.syntrix.identity;

import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.time.Instant;

/**
 * A logical database (reference §3.6). Its {@code id} (16 hex digits) is the canonical key under
 * which its documents are stored, whether a request names it by slug or by {@code id:<hex>}.
 */
public record LogicalDatabase(String id, String slug, String displayName, String description, String ownerId,
                              long createdAt, long updatedAt, String status, long maxDocuments, long maxStorageBytes) {
  public static final String ACTIVE = "active";
  public static final String SUSPENDED = "suspended";
  public static final String DELETING = "deleting";

  MapValue toValue() {
    return MapValue.builder()
        .put("id", new StringValue(id))
        .put("slug", slug == null ? NullValue.INSTANCE : new StringValue(slug))
        .put("display_name", new StringValue(displayName))
        .put("description", description == null ? NullValue.INSTANCE : new StringValue(description))
        .put("owner_id", new StringValue(ownerId))
        .put("created_at", IntegerValue.of(createdAt))
        .put("updated_at", IntegerValue.of(updatedAt))
        .put("status", new StringValue(status))
        .put("max_documents", IntegerValue.of(maxDocuments))
        .put("max_storage_bytes", IntegerValue.of(maxStorageBytes))
        .build();
  }

  static LogicalDatabase fromValue(MapValue v) {
    return new LogicalDatabase(User.str(v, "id"), optional(v.get("slug")), User.str(v, "display_name"),
        optional(v.get("description")), User.str(v, "owner_id"), User.num(v, "created_at"), User.num(v, "updated_at"),
        User.str(v, "status"), User.num(v, "max_documents"), User.num(v, "max_storage_bytes"));
  }

  private static String optional(Value v) {
    return v instanceof StringValue s ? s.value() : null;
  }

  /** The API's DatabaseResponse: RFC 3339 times and a settings object. */
  public MapValue toResponse() {
    return MapValue.builder()
        .put("id", new StringValue(id))
        .put("slug", slug == null ? NullValue.INSTANCE : new StringValue(slug))
        .put("display_name", new StringValue(displayName))
        .put("description", description == null ? NullValue.INSTANCE : new StringValue(description))
        .put("owner_id", new StringValue(ownerId))
        .put("created_at", new StringValue(Instant.ofEpochMilli(createdAt).toString()))
        .put("updated_at", new StringValue(Instant.ofEpochMilli(updatedAt).toString()))
        .put("status", new StringValue(status))
        .put("settings", MapValue.builder()
            .put("max_documents", IntegerValue.of(maxDocuments))
            .put("max_storage_bytes", IntegerValue.of(maxStorageBytes)).build())
        .build();
  }

  LogicalDatabase with(String slug, String displayName, String description, String status, long maxDocuments,
                       long maxStorageBytes, long now) {
    return new LogicalDatabase(id, slug, displayName, description, ownerId, createdAt, now, status, maxDocuments,
        maxStorageBytes);
  }
}
