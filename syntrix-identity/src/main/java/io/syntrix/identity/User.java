package io.syntrix.identity;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import java.util.ArrayList;
import java.util.List;

/** A user record as kept in the system store (namespace {@code users}, keyed by id). */
public record User(String id, String username, String passwordHash, List<String> roles, List<String> dbAdmin,
                   boolean disabled, long createdAt, long updatedAt, long lastLoginAt, int loginAttempts,
                   long lockoutUntil) {
  public User {
    roles = List.copyOf(roles);
    dbAdmin = List.copyOf(dbAdmin);
  }

  MapValue toValue() {
    return MapValue.builder()
        .put("id", new StringValue(id))
        .put("username", new StringValue(username))
        .put("passwordHash", new StringValue(passwordHash))
        .put("roles", strings(roles))
        .put("dbAdmin", strings(dbAdmin))
        .put("disabled", BooleanValue.of(disabled))
        .put("createdAt", IntegerValue.of(createdAt))
        .put("updatedAt", IntegerValue.of(updatedAt))
        .put("lastLoginAt", IntegerValue.of(lastLoginAt))
        .put("loginAttempts", IntegerValue.of(loginAttempts))
        .put("lockoutUntil", IntegerValue.of(lockoutUntil))
        .build();
  }

  static User fromValue(MapValue v) {
    return new User(str(v, "id"), str(v, "username"), str(v, "passwordHash"), list(v.get("roles")), list(v.get("dbAdmin")),
        ((BooleanValue) v.get("disabled")).value(), num(v, "createdAt"), num(v, "updatedAt"), num(v, "lastLoginAt"),
        (int) num(v, "loginAttempts"), num(v, "lockoutUntil"));
  }

  /** The admin API's view (no hash). */
  public MapValue toPublicValue() {
    return MapValue.builder()
        .put("id", new StringValue(id))
        .put("username", new StringValue(username))
        .put("roles", strings(roles))
        .put("db_admin", strings(dbAdmin))
        .put("disabled", BooleanValue.of(disabled))
        .put("createdAt", IntegerValue.of(createdAt))
        .put("updatedAt", IntegerValue.of(updatedAt))
        .put("last_login_at", IntegerValue.of(lastLoginAt))
        .put("login_attempts", IntegerValue.of(loginAttempts))
        .put("lockout_until", IntegerValue.of(lockoutUntil))
        .build();
  }

  static ArrayValue strings(List<String> values) {
    List<Value> out = new ArrayList<>(values.size());
    values.forEach(s -> out.add(new StringValue(s)));
    return new ArrayValue(out);
  }

  static List<String> list(Value v) {
    List<String> out = new ArrayList<>();
    if (v instanceof ArrayValue a) {
      a.elements().forEach(e -> out.add(((StringValue) e).value()));
    }
    return out;
  }

  static String str(MapValue v, String key) {
    return ((StringValue) v.get(key)).value();
  }

  static long num(MapValue v, String key) {
    return ((IntegerValue) v.get(key)).value();
  }

  User withLogin(long at) {
    return new User(id, username, passwordHash, roles, dbAdmin, disabled, createdAt, at, at, 0, 0);
  }

  User withFailedLogin(long at, int attempts, long lockoutUntil) {
    return new User(id, username, passwordHash, roles, dbAdmin, disabled, createdAt, at, lastLoginAt, attempts, lockoutUntil);
  }

  User withAdminChanges(List<String> roles, List<String> dbAdmin, boolean disabled, long at) {
    return new User(id, username, passwordHash, roles, dbAdmin, disabled, createdAt, at, lastLoginAt, loginAttempts,
        lockoutUntil);
  }
}
