package io.syntrix.rules;

import io.syntrix.model.MapValue;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who is asking: what rules see as {@code request.auth}. Anonymous requests have a null user
 * id and name and no roles; {@code request.auth} itself is never null, so rules test
 * {@code request.auth.userId != null} for "signed in".
 *
 * <p>Immutable. Its CEL form is built once here, so one {@code Auth} per verified token can be
 * reused for every request on a connection without per-evaluation conversion.
 */
public final class Auth {
  private static final Auth ANONYMOUS = new Auth(null, null, List.of(), List.of(), MapValue.EMPTY);

  private final String userId;
  private final String username;
  private final List<String> roles;
  private final List<String> dbAdmin;
  private final MapValue claims;
  private final Map<String, Object> cel;

  private Auth(String userId, String username, List<String> roles, List<String> dbAdmin, MapValue claims) {
    this.userId = userId;
    this.username = username;
    this.roles = List.copyOf(roles);
    this.dbAdmin = List.copyOf(dbAdmin);
    this.claims = Objects.requireNonNull(claims, "claims");
    this.cel = new CelView(CelValues.string(userId), CelValues.string(username), this.roles, this.dbAdmin, claims);
  }

  public static Auth anonymous() {
    return ANONYMOUS;
  }

  /**
   * A signed-in user. {@code dbAdmin} lists the databases the token names as administered
   * (exposed as {@code request.auth.db_admin}; the engine grants nothing for it by itself);
   * {@code claims} are the verified token claims ({@code request.auth.claims}).
   */
  public static Auth of(String userId, String username, List<String> roles, List<String> dbAdmin, MapValue claims) {
    Objects.requireNonNull(userId, "userId (use Auth.anonymous() for anonymous requests)");
    return new Auth(userId, username, roles, dbAdmin, claims);
  }

  /** A signed-in user with roles and nothing else. */
  public static Auth user(String userId, String... roles) {
    return of(userId, null, List.of(roles), List.of(), MapValue.EMPTY);
  }

  public boolean signedIn() {
    return userId != null;
  }

  /** Null when anonymous. */
  public String userId() {
    return userId;
  }

  /** May be null. */
  public String username() {
    return username;
  }

  public List<String> roles() {
    return roles;
  }

  public List<String> dbAdmin() {
    return dbAdmin;
  }

  public MapValue claims() {
    return claims;
  }

  /** {@code request.auth}: userId, username, roles, db_admin, claims. */
  Map<String, Object> celMap() {
    return cel;
  }

  /**
   * {@code request.auth}; keys compared with equals (see {@link CelValues.DocumentView}).
   * Shared by every evaluation that uses this {@code Auth}, on any thread, so it holds only
   * immutable values and hands out a fresh view of the claims each time.
   */
  private static final class CelView extends java.util.AbstractMap<String, Object> {
    private final Object userId;
    private final Object username;
    private final Object roles;
    private final Object dbAdmin;
    private final MapValue claims;

    CelView(Object userId, Object username, Object roles, Object dbAdmin, MapValue claims) {
      this.userId = userId;
      this.username = username;
      this.roles = roles;
      this.dbAdmin = dbAdmin;
      this.claims = claims;
    }

    @Override
    public Object get(Object key) {
      if ("userId".equals(key)) {
        return userId;
      } else if ("roles".equals(key)) {
        return roles;
      } else if ("username".equals(key)) {
        return username;
      } else if ("claims".equals(key)) {
        return new CelValues.MapView(claims, null);
      } else if ("db_admin".equals(key)) {
        return dbAdmin;
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public int size() {
      return 5;
    }

    @Override
    public java.util.Set<Entry<String, Object>> entrySet() {
      return Map.of("userId", userId, "username", username, "roles", roles, "db_admin", dbAdmin,
          "claims", new CelValues.MapView(claims, null)).entrySet();
    }
  }

  @Override
  public String toString() {
    return signedIn() ? "Auth[userId=" + userId + ", roles=" + roles + "]" : "Auth[anonymous]";
  }
}
