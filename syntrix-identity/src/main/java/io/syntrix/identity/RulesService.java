package io.syntrix.identity;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.rules.Decision;
import io.syntrix.rules.RuleRequest;
import io.syntrix.rules.RuleSet;
import io.syntrix.store.SystemStore;
import io.syntrix.store.SystemStore.Versioned;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The security rules of each logical database (D10): YAML rule sets kept in the system store
 * ({@code rules/<database id>}), compiled when loaded or pushed; a push replaces the set
 * atomically and survives restarts. A database without rules denies every request that reaches
 * the rules (its owner and database admins are let through before). The {@code default}
 * database gets {@link RuleSet#openToSignedIn()} at first start.
 *
 * <p><b>Cache.</b> Every rule check needs its database's rules, so they are remembered per
 * database, and read again from the store once the remembered copy is more than
 * {@link #CHECK_NANOS} old: one small read per database and second, compiled again only when
 * the YAML changed. A push through this process is seen here at once; one through another
 * process sharing the store (gateways over one PostgreSQL) within the second. A lookup that
 * read before a push of ours and lands after it takes its answer back, so our own push is never
 * hidden behind an older copy. Bounded: cleared when it holds {@link #MAX_CACHED} databases.
 */
public final class RulesService {
  private static final String RULES = "rules";
  static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_CACHED = 10_000;

  private final SystemStore system;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private volatile long lastPushNanos = System.nanoTime();

  /** A database's rules as read at {@code readNanos}: the YAML (null: none) and its compiled form. */
  private record Cached(String yaml, Optional<RuleSet> rules, long readNanos) {}

  public RulesService(SystemStore system) {
    this.system = system;
  }

  /** Evaluates a request against its database's rules (none: denied). */
  public Decision check(RuleRequest request) {
    Optional<RuleSet> rules = rulesOf(request.database());
    return rules.isEmpty() ? new Decision(false, "database has no rules") : rules.get().evaluate(request);
  }

  /** The compiled rules of a database, if it has any, as stored at most a second ago. */
  public Optional<RuleSet> rulesOf(String databaseId) {
    long now = System.nanoTime();
    Cached cached = cache.get(databaseId);
    if (cached == null || now - cached.readNanos() > CHECK_NANOS) {
      cached = load(databaseId, cached, now);
    }
    return cached.rules();
  }

  private Cached load(String databaseId, Cached previous, long now) {
    String yaml = system.get(RULES, databaseId).map(v -> ((StringValue) v.value().get("yaml")).value()).orElse(null);
    Optional<RuleSet> rules = previous != null && Objects.equals(previous.yaml(), yaml) ? previous.rules()
        : Optional.ofNullable(yaml).map(RuleSet::parse);
    Cached fresh = new Cached(yaml, rules, now);
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(databaseId, fresh);
    if (lastPushNanos - now >= 0) {
      cache.remove(databaseId, fresh); // a push of ours may have landed after this read
    }
    return fresh;
  }

  /** Compiles and stores new rules for a database; a set that does not compile changes nothing (400). */
  public RuleSet push(String databaseId, String yaml) {
    RuleSet compiled = RuleSet.parse(yaml);
    MapValue record = MapValue.builder().put("yaml", new StringValue(yaml)).build();
    for (int attempt = 0; attempt < 5; attempt++) {
      long version = system.get(RULES, databaseId).map(Versioned::version).orElse(0L);
      if (system.compareAndPut(RULES, databaseId, version, record) > 0) {
        long now = System.nanoTime();
        lastPushNanos = now;
        cache.put(databaseId, new Cached(yaml, Optional.of(compiled), now));
        return compiled;
      }
    }
    throw new SyntrixException(ErrorCode.CONFLICT, "rules of this database are being pushed concurrently; try again");
  }

  /** Installs {@code rules} unless the database already has some (first start). */
  void installIfAbsent(String databaseId, RuleSet rules) {
    if (system.compareAndPut(RULES, databaseId, 0, MapValue.builder().put("yaml", new StringValue(rules.yaml())).build())
        > 0) {
      forget(databaseId);
    }
  }

  /** Forgets a database's rules (when the database is purged). */
  void drop(String databaseId) {
    system.get(RULES, databaseId).ifPresent(v -> system.compareAndDelete(RULES, databaseId, v.version()));
    forget(databaseId);
  }

  private void forget(String databaseId) {
    lastPushNanos = System.nanoTime();
    cache.remove(databaseId);
  }
}
