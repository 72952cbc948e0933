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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The security rules of each logical database (D10): YAML rule sets kept in the system store
 * ({@code rules/<database id>}), compiled once when loaded or pushed and cached; a push
 * replaces the set atomically and survives restarts. A database without rules denies every
 * request that reaches the rules (its owner and database admins are let through before).
 * The {@code default} database gets {@link RuleSet#openToSignedIn()} at first start.
 */
public final class RulesService {
  private static final String RULES = "rules";
  private static final RuleSet NONE = null;

  private final SystemStore system;
  private final Map<String, Optional<RuleSet>> cache = new ConcurrentHashMap<>();

  public RulesService(SystemStore system) {
    this.system = system;
  }

  /** Evaluates a request against its database's rules (none: denied). */
  public Decision check(RuleRequest request) {
    Optional<RuleSet> rules = rulesOf(request.database());
    return rules.isEmpty() ? new Decision(false, "database has no rules") : rules.get().evaluate(request);
  }

  /** The compiled rules of a database, if it has any. */
  public Optional<RuleSet> rulesOf(String databaseId) {
    return cache.computeIfAbsent(databaseId, id -> system.get(RULES, id)
        .map(v -> RuleSet.parse(((StringValue) v.value().get("yaml")).value())));
  }

  /** Compiles and stores new rules for a database; a set that does not compile changes nothing (400). */
  public RuleSet push(String databaseId, String yaml) {
    RuleSet compiled = RuleSet.parse(yaml);
    MapValue record = MapValue.builder().put("yaml", new StringValue(yaml)).build();
    for (int attempt = 0; attempt < 5; attempt++) {
      long version = system.get(RULES, databaseId).map(Versioned::version).orElse(0L);
      if (system.compareAndPut(RULES, databaseId, version, record) > 0) {
        cache.put(databaseId, Optional.of(compiled));
        return compiled;
      }
    }
    throw new SyntrixException(ErrorCode.CONFLICT, "rules of this database are being pushed concurrently; try again");
  }

  /** Installs {@code rules} unless the database already has some (first start). */
  void installIfAbsent(String databaseId, RuleSet rules) {
    if (system.compareAndPut(RULES, databaseId, 0, MapValue.builder().put("yaml", new StringValue(rules.yaml())).build())
        > 0) {
      cache.remove(databaseId);
    }
  }

  /** Forgets a database's rules (when the database is purged). */
  void drop(String databaseId) {
    system.get(RULES, databaseId).ifPresent(v -> system.compareAndDelete(RULES, databaseId, v.version()));
    cache.remove(databaseId);
  }
}
