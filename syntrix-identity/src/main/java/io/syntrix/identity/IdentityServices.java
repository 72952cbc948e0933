package io.syntrix.identity;

import io.syntrix.rules.RuleSet;
import io.syntrix.store.DocumentStore;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything identity needs, built and bootstrapped in one place: the signing key (generated on
 * first start), the services, the admin user and the {@code default} database.
 *
 * <p>Any number of processes may start at the same moment on one store (gateways over one
 * PostgreSQL): they agree on one signing key, one admin and one {@code default} database (see
 * {@link SigningKeys}, {@link AuthService#bootstrapAdmin}, {@link DatabaseService#bootstrapDefault}),
 * and the losers of each race go on with the winner's. docs/design/identity.md, "A cluster".
 */
public record IdentityServices(AuthService auth, DatabaseService databases, RulesService rules, TokenService tokens,
                               String generatedAdminPassword) {
  private static final Logger log = LoggerFactory.getLogger(IdentityServices.class);

  /**
   * @param signingKey       PEM file of the RSA key given by configuration (created when missing), or null: the
   *                         cluster's key kept in the store ({@link SigningKeys#fromStore})
   * @param legacySigningKey where a standalone server kept its key before keys were kept in the store: migrated
   *                         into an empty store when it exists (null: nothing to migrate)
   * @param adminPassword    the admin's password at first start; null or empty generates one
   * @param hasher           password hashing cost (tests use a cheap one)
   * @param maxDatabasesPerUser quota of databases a non-admin may own (0 = unlimited)
   */
  public record Options(Path signingKey, Path legacySigningKey, String adminUsername, String adminPassword,
                        PasswordHasher hasher, PasswordPolicy passwordPolicy, Duration accessTtl, Duration refreshTtl,
                        int maxDatabasesPerUser, Clock clock) {
    /** The key kept in the store (migrated from {@code <dataDir>/keys/auth_private.pem} if that exists). */
    public static Options defaults(Path dataDir) {
      return new Options(null, dataDir.resolve("keys").resolve("auth_private.pem"), "syntrix", null,
          PasswordHasher.standard(), PasswordPolicy.standard(), Duration.ofMinutes(15), Duration.ofDays(7), 10,
          Clock.systemUTC());
    }

    public Options withAdminPassword(String password) {
      return new Options(signingKey, legacySigningKey, adminUsername, password, hasher, passwordPolicy, accessTtl,
          refreshTtl, maxDatabasesPerUser, clock);
    }

    /** Signs with the key in {@code pem} (generated there when missing) instead of the store's. */
    public Options withSigningKey(Path pem) {
      return new Options(pem, legacySigningKey, adminUsername, adminPassword, hasher, passwordPolicy, accessTtl,
          refreshTtl, maxDatabasesPerUser, clock);
    }

    public Options withHasher(PasswordHasher hasher) {
      return new Options(signingKey, legacySigningKey, adminUsername, adminPassword, hasher, passwordPolicy, accessTtl,
          refreshTtl, maxDatabasesPerUser, clock);
    }

    public Options withAccessTtl(Duration ttl) {
      return new Options(signingKey, legacySigningKey, adminUsername, adminPassword, hasher, passwordPolicy, ttl,
          refreshTtl, maxDatabasesPerUser, clock);
    }

    public Options withClock(Clock clock) {
      return new Options(signingKey, legacySigningKey, adminUsername, adminPassword, hasher, passwordPolicy, accessTtl,
          refreshTtl, maxDatabasesPerUser, clock);
    }

    public Options withMaxDatabasesPerUser(int max) {
      return new Options(signingKey, legacySigningKey, adminUsername, adminPassword, hasher, passwordPolicy, accessTtl,
          refreshTtl, max, clock);
    }
  }

  public static IdentityServices start(DocumentStore store, Options o) {
    KeyPair key = o.signingKey() != null ? SigningKeys.loadOrCreate(o.signingKey())
        : SigningKeys.fromStore(store.system(), o.legacySigningKey());
    TokenService tokens = new TokenService(key, o.clock(), o.accessTtl(), o.refreshTtl());
    AuthService auth = new AuthService(store.system(), o.hasher(), o.passwordPolicy(), tokens, o.clock(),
        o.adminUsername());
    RulesService rules = new RulesService(store.system());
    DatabaseService databases = new DatabaseService(store, rules, o.clock(), o.maxDatabasesPerUser());
    String generated = auth.bootstrapAdmin(o.adminPassword());
    User admin = auth.userByName(o.adminUsername()).orElseThrow();
    LogicalDatabase defaultDb = databases.bootstrapDefault(admin.id());
    rules.installIfAbsent(defaultDb.id(), RuleSet.openToSignedIn());
    log.info("identity ready: admin '{}', default database {}", admin.username(), defaultDb.id());
    return new IdentityServices(auth, databases, rules, tokens, generated);
  }
}
