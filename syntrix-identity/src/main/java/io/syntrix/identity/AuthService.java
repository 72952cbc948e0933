package io.syntrix.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.SystemStore;
import io.syntrix.store.SystemStore.Versioned;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-up, login, token refresh and logout (D9).
 *
 * <p><b>Records</b> (system store): {@code users/<id>}, {@code usernames/<lowercase name>} →
 * id, {@code refresh/<jti>} → {user, family, used}, {@code families/<id>} → {user, revoked}.
 *
 * <p><b>Refresh rotation.</b> Each login starts a token family. A refresh token is single-use:
 * using it marks it used (compare-and-set, so of two concurrent uses exactly one wins) and
 * issues a new pair in the same family. Presenting a used token again is taken as theft: the
 * whole family is revoked, so the thief's and the owner's tokens all stop working. Logout
 * revokes the family. Access tokens carry their family and are refused once it is revoked.
 *
 * <p><b>Login.</b> Every failure is the same 401 "Invalid credentials" (no user enumeration).
 * Wrong passwords are throttled per account and source address, with an account-wide backoff
 * ({@link LoginThrottle}): ten from one address lock that address out of the account for five
 * minutes, never the account itself; the backoff is a 429 with a retry delay. The user record
 * keeps the account-wide count of consecutive failures ({@code login_attempts}) for admins.
 * Disabled users cannot log in, refresh, or use their access tokens.
 *
 * <p><b>Purge.</b> Expired refresh records and expired or revoked families are deleted by
 * {@link #maintain}, which the server calls periodically ({@link TokenPurge}).
 */
public final class AuthService {
  private static final Logger log = LoggerFactory.getLogger(AuthService.class);
  private static final String USERS = "users";
  private static final String USERNAMES = "usernames";
  static final String REFRESH = "refresh";
  static final String FAMILIES = "families";
  /** Records read per namespace in one purge step, and steps per {@link #maintain} call. */
  private static final int PURGE_BATCH = 500;
  private static final int PURGE_STEPS = 20;

  private final SystemStore system;
  private final PasswordHasher hasher;
  private final PasswordPolicy policy;
  private final TokenService tokens;
  private final Clock clock;
  private final String adminUsername;
  private final LoginThrottle throttle = new LoginThrottle();
  private final TokenPurge purge;

  public AuthService(SystemStore system, PasswordHasher hasher, PasswordPolicy policy, TokenService tokens, Clock clock,
                     String adminUsername) {
    this.system = system;
    this.purge = new TokenPurge(system, clock, tokens.refreshTtl(), PURGE_BATCH);
    this.hasher = hasher;
    this.policy = policy;
    this.tokens = tokens;
    this.clock = clock;
    this.adminUsername = adminUsername.toLowerCase(Locale.ROOT);
  }

  /** {@code {access_token, refresh_token, expires_in}}. */
  public record TokenPair(String accessToken, String refreshToken, long expiresInSeconds) {
    public MapValue toValue() {
      return MapValue.builder()
          .put("access_token", new StringValue(accessToken))
          .put("refresh_token", new StringValue(refreshToken))
          .put("expires_in", IntegerValue.of(expiresInSeconds))
          .build();
    }
  }

  public TokenPair signup(String username, String password) {
    List<Map.Entry<String, String>> errors = new ArrayList<>();
    checkCredentialsShape(username, password, errors);
    if (errors.isEmpty()) {
      policy.problems(password).forEach(p -> errors.add(Map.entry("password", p)));
    }
    if (!errors.isEmpty()) {
      throw new ValidationFailed(errors);
    }
    return tokensFor(createUser(username, password), newFamily());
  }

  private static void checkCredentialsShape(String username, String password, List<Map.Entry<String, String>> errors) {
    if (username == null || username.isEmpty()) {
      errors.add(Map.entry("username", "This field is required"));
    } else if (username.length() < 3) {
      errors.add(Map.entry("username", "Must be at least 3 characters"));
    } else if (username.length() > 128) {
      errors.add(Map.entry("username", "Must be at most 128 characters"));
    } else if (username.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      errors.add(Map.entry("username", "Must not contain spaces or control characters"));
    }
    if (password == null || password.isEmpty()) {
      errors.add(Map.entry("password", "This field is required"));
    } else if (password.length() > 1024) {
      errors.add(Map.entry("password", "Must be at most 1024 characters"));
    }
  }

  private User createUser(String username, String password) {
    String name = username.toLowerCase(Locale.ROOT);
    String id = UUID.randomUUID().toString();
    if (system.compareAndPut(USERNAMES, name, 0, MapValue.builder().put("id", new StringValue(id)).build()) < 0) {
      throw new SyntrixException(ErrorCode.BAD_REQUEST, "Signup failed");
    }
    long now = clock.millis();
    List<String> roles = name.equals(adminUsername) ? List.of("admin") : List.of("user");
    User user = new User(id, name, hasher.hash(password), roles, List.of(), false, now, now, 0, 0, 0);
    system.compareAndPut(USERS, id, 0, user.toValue());
    return user;
  }

  /** Login from an unknown address (tests, tools); see {@link #login(String, String, String)}. */
  public TokenPair login(String username, String password) {
    return login(username, password, "unknown");
  }

  /**
   * Checks the password of {@code username} as tried from {@code address} (the client's IP).
   * Throws 401 "Invalid credentials" for every failure, lockout of this address included, and
   * 429 {@link LoginBackoff} while the account backs off.
   */
  public TokenPair login(String username, String password, String address) {
    if (username == null || password == null) {
      throw invalidCredentials();
    }
    String account = username.toLowerCase(Locale.ROOT);
    long now = clock.millis();
    switch (throttle.admit(account, address, now)) {
      case LoginThrottle.Locked locked -> throw invalidCredentials();
      case LoginThrottle.BackOff b -> throw new LoginBackoff(b.retryAfterSeconds());
      case LoginThrottle.Allow allow -> { }
    }
    Versioned record = userRecordByName(username).orElse(null);
    if (record == null) {
      hasher.hash(password); // spend the same time as a real check: no timing oracle for unknown names
      throttle.failed(account, address, now);
      throw invalidCredentials();
    }
    User user = User.fromValue(record.value());
    if (!hasher.verify(password, user.passwordHash())) {
      throttle.failed(account, address, now);
      recordFailure(record, now);
      throw invalidCredentials();
    }
    if (user.disabled()) {
      throw invalidCredentials();
    }
    throttle.succeeded(account, address);
    User loggedIn = user.withLogin(now);
    system.compareAndPut(USERS, user.id(), record.version(), loggedIn.toValue()); // best effort: stats only
    return tokensFor(loggedIn, newFamily());
  }

  /** 429: the account is backing off after many wrong passwords; the caller may retry after the delay. */
  public static final class LoginBackoff extends SyntrixException {
    private final long retryAfterSeconds;

    LoginBackoff(long retryAfterSeconds) {
      super(ErrorCode.RATE_LIMITED, "Too many failed logins for this account; retry in " + retryAfterSeconds + " s");
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** Counts the failure on the user record, for admins (stats only: the throttle decides). */
  private void recordFailure(Versioned record, long now) {
    for (int attempt = 0; attempt < 5; attempt++) {
      User user = User.fromValue(record.value());
      User updated = user.withFailedLogin(now, user.loginAttempts() + 1, 0);
      if (system.compareAndPut(USERS, user.id(), record.version(), updated.toValue()) > 0) {
        return;
      }
      record = system.get(USERS, user.id()).orElse(null);
      if (record == null) {
        return;
      }
    }
  }

  /**
   * Periodic upkeep, on a worker: purges expired token records (bounded: at most
   * {@value #PURGE_STEPS} steps of {@value #PURGE_BATCH} records per namespace) and forgets idle
   * login counters. Returns the number of records deleted.
   */
  public int maintain() {
    int deleted = 0;
    for (int i = 0; i < PURGE_STEPS; i++) {
      TokenPurge.Step step = purge.step();
      deleted += step.deleted();
      if (step.wrapped()) {
        break;
      }
    }
    throttle.sweep(clock.millis());
    return deleted;
  }

  /** One bounded purge step (tests). */
  TokenPurge.Step purgeStep() {
    return purge.step();
  }

  private static SyntrixException invalidCredentials() {
    return new SyntrixException(ErrorCode.UNAUTHORIZED, "Invalid credentials");
  }

  public TokenPair refresh(String refreshToken) {
    Refresh r = refreshRecord(refreshToken);
    if (familyRevoked(r.family())) {
      throw TokenService.unauthorized("refresh token revoked");
    }
    MapValue used = MapValue.builder().putAll(r.record().value()).put("used", BooleanValue.TRUE).build();
    boolean alreadyUsed = ((BooleanValue) r.record().value().get("used")).value();
    if (alreadyUsed || system.compareAndPut(REFRESH, r.jti(), r.record().version(), used) < 0) {
      revokeFamily(r.family());
      log.warn("refresh token reuse detected for user {}; its token family is revoked", r.userId());
      throw TokenService.unauthorized("refresh token already used; all sessions of this login are revoked");
    }
    User user = activeUser(r.userId());
    return tokensFor(user, r.family(), false);
  }

  /** Revokes the login session the refresh token belongs to (idempotent). */
  public void logout(String refreshToken) {
    Refresh r = refreshRecord(refreshToken);
    revokeFamily(r.family());
  }

  private record Refresh(String jti, String userId, String family, Versioned record) {}

  private Refresh refreshRecord(String token) {
    if (token == null || token.isEmpty()) {
      throw TokenService.unauthorized("refresh_token is required");
    }
    JWTClaimsSet claims = tokens.verifyRefresh(token);
    Versioned record = system.get(REFRESH, claims.getJWTID()).orElseThrow(() ->
        TokenService.unauthorized("unknown refresh token"));
    try {
      return new Refresh(claims.getJWTID(), claims.getSubject(), claims.getStringClaim("fam"), record);
    } catch (ParseException e) {
      throw TokenService.unauthorized("malformed refresh token");
    }
  }

  private boolean familyRevoked(String family) {
    return system.get(FAMILIES, family).map(f -> ((BooleanValue) f.value().get("revoked")).value()).orElse(true);
  }

  private void revokeFamily(String family) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<Versioned> f = system.get(FAMILIES, family);
      if (f.isEmpty()) {
        return;
      }
      MapValue revoked = MapValue.builder().putAll(f.get().value()).put("revoked", BooleanValue.TRUE).build();
      if (system.compareAndPut(FAMILIES, family, f.get().version(), revoked) > 0) {
        return;
      }
    }
  }

  private static String newFamily() {
    return UUID.randomUUID().toString();
  }

  private TokenPair tokensFor(User user, String family) {
    return tokensFor(user, family, true);
  }

  /**
   * Issues a pair in {@code family}: a new family is created; an existing one has its expiry
   * moved to the new refresh token's, and must still be there and not revoked (a logout and a
   * purge between the refresh's check and here must not bring the session back).
   */
  private TokenPair tokensFor(User user, String family, boolean create) {
    TokenService.Issued access = tokens.issueAccess(user, family);
    TokenService.Issued refresh = tokens.issueRefresh(user, family);
    IntegerValue expiresAt = IntegerValue.of(refresh.expiresAtMillis());
    if (create) {
      system.compareAndPut(FAMILIES, family, 0, MapValue.builder().put("user", new StringValue(user.id()))
          .put("revoked", BooleanValue.FALSE).put("expiresAt", expiresAt).build());
    } else {
      extendFamily(family, expiresAt);
    }
    system.compareAndPut(REFRESH, refresh.jti(), 0, MapValue.builder()
        .put("user", new StringValue(user.id()))
        .put("family", new StringValue(family))
        .put("expiresAt", expiresAt)
        .put("used", BooleanValue.FALSE)
        .build());
    return new TokenPair(access.token(), refresh.token(), tokens.accessTtl().toSeconds());
  }

  private void extendFamily(String family, IntegerValue expiresAt) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Versioned f = system.get(FAMILIES, family).orElseThrow(() -> TokenService.unauthorized("refresh token revoked"));
      if (((BooleanValue) f.value().get("revoked")).value()) {
        throw TokenService.unauthorized("refresh token revoked");
      }
      MapValue extended = MapValue.builder().putAll(f.value()).put("expiresAt", expiresAt).build();
      if (system.compareAndPut(FAMILIES, family, f.version(), extended) > 0) {
        return;
      }
    }
    throw TokenService.unauthorized("refresh token revoked"); // only a revoke races this often
  }

  /**
   * The caller behind an access token: signature, type and lifetime, then the user must still
   * exist and be enabled and the login session must not be revoked. Roles come from the user
   * record, so an admin's change applies at once.
   */
  public Principal authenticate(String accessToken) {
    Principal p = tokens.verifyAccess(accessToken);
    Object family = p.claims().get("fam");
    if (family instanceof String f && familyRevoked(f)) {
      throw TokenService.unauthorized("session revoked");
    }
    User user = activeUser(p.userId());
    return new Principal(user.id(), user.username(), user.roles(), user.dbAdmin(), p.claims(), p.expiresAtMillis());
  }

  private User activeUser(String id) {
    User user = system.get(USERS, id).map(v -> User.fromValue(v.value()))
        .orElseThrow(() -> TokenService.unauthorized("user no longer exists"));
    if (user.disabled()) {
      throw TokenService.unauthorized("user is disabled");
    }
    return user;
  }

  private Optional<Versioned> userRecordByName(String username) {
    return system.get(USERNAMES, username.toLowerCase(Locale.ROOT))
        .flatMap(m -> system.get(USERS, ((StringValue) m.value().get("id")).value()));
  }

  public Optional<User> userByName(String username) {
    return userRecordByName(username).map(v -> User.fromValue(v.value()));
  }

  /** Users in id order, for the admin API. */
  public List<User> listUsers(int limit, int offset) {
    List<User> out = new ArrayList<>();
    String after = null;
    int skipped = 0;
    while (out.size() < limit) {
      List<Versioned> page = system.scan(USERS, after, 500);
      if (page.isEmpty()) {
        break;
      }
      for (Versioned v : page) {
        if (skipped++ >= offset && out.size() < limit) {
          out.add(User.fromValue(v.value()));
        }
      }
      after = page.get(page.size() - 1).key();
    }
    return out;
  }

  /** Admin change of roles, database-admin list and the disabled flag; null keeps a value. */
  public User updateUser(String id, List<String> roles, List<String> dbAdmin, Boolean disabled) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Versioned record = system.get(USERS, id).orElseThrow(() ->
          new SyntrixException(ErrorCode.NOT_FOUND, "user '" + id + "' not found"));
      User user = User.fromValue(record.value());
      User updated = user.withAdminChanges(roles != null ? roles : user.roles(), dbAdmin != null ? dbAdmin : user.dbAdmin(),
          disabled != null ? disabled : user.disabled(), clock.millis());
      if (system.compareAndPut(USERS, id, record.version(), updated.toValue()) > 0) {
        return updated;
      }
    }
    throw new SyntrixException(ErrorCode.CONFLICT, "user '" + id + "' is being changed concurrently; try again");
  }

  /**
   * Creates the admin user at first start. Returns the generated password when none was given
   * (the caller prints it once), else null; does nothing when the admin exists.
   *
   * <p>Safe when several processes start on one store at the same moment: the admin's id is
   * derived from its name ({@link #adminId}), so every starter writes the same record with
   * compare-and-put on version 0 and exactly one write wins; only the winner returns a generated
   * password, and the losers go on with the winner's user. The user record is written before the
   * name points to it, so a starter that stops between the two leaves nothing a later start
   * cannot finish.
   */
  public String bootstrapAdmin(String password) {
    if (userRecordByName(adminUsername).isPresent()) {
      return null;
    }
    String chosen = password;
    if (chosen == null || chosen.isEmpty()) {
      chosen = generatePassword();
    } else if (!policy.problems(chosen).isEmpty()) {
      throw new SyntrixException(ErrorCode.BAD_REQUEST, "the configured admin password does not meet the password policy: "
          + String.join(", ", policy.problems(chosen)));
    }
    String id = adminId(adminUsername);
    long now = clock.millis();
    User admin = new User(id, adminUsername, hasher.hash(chosen), List.of("admin"), List.of(), false, now, now, 0, 0,
        0);
    boolean created = system.compareAndPut(USERS, id, 0, admin.toValue()) > 0;
    pointAdminNameAt(id);
    if (!created) {
      return null;
    }
    log.info("created admin user '{}'", adminUsername);
    return password == null || password.isEmpty() ? chosen : null;
  }

  /**
   * Points the admin's name at {@code id}. Every starter writes the same value, so whichever write
   * lands the others are no-ops. A name left pointing at no user (older versions wrote the name
   * before the record, and may have stopped in between) is taken over, by compare-and-set.
   */
  private void pointAdminNameAt(String id) {
    MapValue mapping = MapValue.builder().put("id", new StringValue(id)).build();
    Optional<Versioned> name = system.get(USERNAMES, adminUsername);
    if (name.isEmpty()) {
      system.compareAndPut(USERNAMES, adminUsername, 0, mapping);
    } else if (system.get(USERS, ((StringValue) name.get().value().get("id")).value()).isEmpty()) {
      log.warn("the admin name '{}' pointed at no user; it now names {}", adminUsername, id);
      system.compareAndPut(USERNAMES, adminUsername, name.get().version(), mapping);
    }
  }

  /** The admin's user id: the same in every process, so concurrent bootstraps write one record. */
  static String adminId(String adminUsername) {
    return UUID.nameUUIDFromBytes(("syntrix-admin:" + adminUsername).getBytes(StandardCharsets.UTF_8)).toString();
  }

  public String adminUsername() {
    return adminUsername;
  }

  private static String generatePassword() {
    SecureRandom random = new SecureRandom();
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder sb = new StringBuilder("Sx!");
    for (int i = 0; i < 20; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.append("9a").toString();
  }
}
