package io.syntrix.identity;

import io.syntrix.rules.RuleSet;
import io.syntrix.store.DocumentStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything identity needs, built and bootstrapped in one place: the signing key (generated on
 * first start), the services, the admin user and the {@code default} database.
 */
public record IdentityServices(AuthService auth, DatabaseService databases, RulesService rules, TokenService tokens,
                               String generatedAdminPassword) {
  private static final Logger log = LoggerFactory.getLogger(IdentityServices.class);

  /**
   * @param signingKey       PEM file of the RSA key (created when missing)
   * @param adminPassword    the admin's password at first start; null or empty generates one
   * @param hasher           password hashing cost (tests use a cheap one)
   * @param maxDatabasesPerUser quota of databases a non-admin may own (0 = unlimited)
   */
  public record Options(Path signingKey, String adminUsername, String adminPassword, PasswordHasher hasher,
                        PasswordPolicy passwordPolicy, Duration accessTtl, Duration refreshTtl, int maxDatabasesPerUser,
                        Clock clock) {
    public static Options defaults(Path dataDir) {
      return new Options(dataDir.resolve("keys").resolve("auth_private.pem"), "syntrix", null, PasswordHasher.standard(),
          PasswordPolicy.standard(), Duration.ofMinutes(15), Duration.ofDays(7), 10, Clock.systemUTC());
    }

    public Options withAdminPassword(String password) {
      return new Options(signingKey, adminUsername, password, hasher, passwordPolicy, accessTtl, refreshTtl,
          maxDatabasesPerUser, clock);
    }

    public Options withSigningKey(Path pem) {
      return new Options(pem, adminUsername, adminPassword, hasher, passwordPolicy, accessTtl, refreshTtl,
          maxDatabasesPerUser, clock);
    }

    public Options withHasher(PasswordHasher hasher) {
      return new Options(signingKey, adminUsername, adminPassword, hasher, passwordPolicy, accessTtl, refreshTtl,
          maxDatabasesPerUser, clock);
    }

    public Options withAccessTtl(Duration ttl) {
      return new Options(signingKey, adminUsername, adminPassword, hasher, passwordPolicy, ttl, refreshTtl,
          maxDatabasesPerUser, clock);
    }

    public Options withClock(Clock clock) {
      return new Options(signingKey, adminUsername, adminPassword, hasher, passwordPolicy, accessTtl, refreshTtl,
          maxDatabasesPerUser, clock);
    }

    public Options withMaxDatabasesPerUser(int max) {
      return new Options(signingKey, adminUsername, adminPassword, hasher, passwordPolicy, accessTtl, refreshTtl, max,
          clock);
    }
  }

  public static IdentityServices start(DocumentStore store, Options o) {
    TokenService tokens = new TokenService(SigningKeys.loadOrCreate(o.signingKey()), o.clock(), o.accessTtl(),
        o.refreshTtl());
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
