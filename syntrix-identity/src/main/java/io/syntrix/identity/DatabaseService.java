package io.syntrix.identity;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.SystemStore;
import io.syntrix.store.SystemStore.Versioned;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical databases (reference §6 and data §3.6, with one canonical key): records in the system
 * store ({@code databases/<id>}, {@code slugs/<slug>} → id). A URL names a database as
 * {@code id:<hex>} or by slug; both resolve to the same id, which is the key documents are
 * stored under everywhere (REST, realtime, replication).
 *
 * <p>Non-admins own what they create, see and change only their own databases, and may create
 * at most {@code maxPerUser}. Admins may set the owner, the settings and the status
 * (suspend/resume). Deleting marks the database {@code deleting}; {@link #purgeDeleted} (run in
 * the background) then drops its documents and its records.
 */
public final class DatabaseService {
  private static final Logger log = LoggerFactory.getLogger(DatabaseService.class);
  public static final String DEFAULT_SLUG = "default";
  /** The id of the {@code default} database when it is created (stores created before may have another). */
  static final String DEFAULT_ID = "0000000000000001";
  static final Set<String> RESERVED_SLUGS = Set.of("default", "admin", "system", "api", "auth");
  private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9-]{2,62}");
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
  private static final String DATABASES = "databases";
  private static final String SLUGS = "slugs";

  private final SystemStore system;
  private final DocumentStore documents;
  private final RulesService rules;
  private final Clock clock;
  private final int maxPerUser;
  private final SecureRandom random = new SecureRandom();
  /**
   * What {@link #resolveForData} found per URL identifier, for {@link #RESOLVED_TTL_NANOS}: every
   * data request resolves its database on the event loop, and on PostgreSQL each lookup is two
   * round trips. This process's own changes clear it at once; a change made by another process
   * sharing the store is seen within the TTL. Bounded: cleared when it grows past
   * {@link #RESOLVED_MAX} identifiers (a client trying random names).
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Resolved> resolved =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final long RESOLVED_TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
  private static final int RESOLVED_MAX = 10_000;
  private volatile long lastChangeNanos = System.nanoTime();

  /** A lookup's answer (null: no such database) and when it was made. */
  private record Resolved(LogicalDatabase db, long atNanos) {}

  public DatabaseService(DocumentStore documents, RulesService rules, Clock clock, int maxPerUser) {
    this.system = documents.system();
    this.documents = documents;
    this.rules = rules;
    this.clock = clock;
    this.maxPerUser = maxPerUser;
  }

  /** What a create request asks for; admin-only fields are ignored for others. */
  public record Spec(String displayName, String slug, String description, String ownerId, Long maxDocuments,
                     Long maxStorageBytes) {}

  public LogicalDatabase create(Principal caller, Spec spec) {
    if (spec.displayName() == null || spec.displayName().isBlank()) {
      throw new SyntrixException(ErrorCode.DISPLAY_NAME_REQUIRED, "display_name is required");
    }
    String slug = spec.slug() == null || spec.slug().isEmpty() ? null : spec.slug();
    if (slug != null) {
      checkSlug(slug, caller);
    }
    String owner = caller.isAdmin() && spec.ownerId() != null ? spec.ownerId() : caller.userId();
    if (!caller.isAdmin() && maxPerUser > 0 && count(d -> d.ownerId().equals(owner) && !d.status().equals(LogicalDatabase.DELETING))
        >= maxPerUser) {
      throw new SyntrixException(ErrorCode.QUOTA_EXCEEDED, "you already own " + maxPerUser + " databases, the most allowed");
    }
    String id = newId();
    if (slug != null && system.compareAndPut(SLUGS, slug, 0, idRecord(id)) < 0) {
      throw new SyntrixException(ErrorCode.SLUG_EXISTS, "slug '" + slug + "' is taken");
    }
    long now = clock.millis();
    LogicalDatabase db = new LogicalDatabase(id, slug, spec.displayName(), spec.description(), owner, now, now,
        LogicalDatabase.ACTIVE, caller.isAdmin() && spec.maxDocuments() != null ? spec.maxDocuments() : 0,
        caller.isAdmin() && spec.maxStorageBytes() != null ? spec.maxStorageBytes() : 0);
    system.compareAndPut(DATABASES, id, 0, db.toValue());
    changed();
    return db;
  }

  private void checkSlug(String slug, Principal caller) {
    if (!SLUG.matcher(slug).matches()) {
      throw new SyntrixException(ErrorCode.INVALID_SLUG,
          "slug '" + slug + "' must be 3-63 characters of a-z, 0-9 and '-', starting with a letter");
    }
    if (RESERVED_SLUGS.contains(slug) && !caller.isAdmin()) {
      throw new SyntrixException(ErrorCode.RESERVED_SLUG, "slug '" + slug + "' is reserved");
    }
  }

  private static MapValue idRecord(String id) {
    return MapValue.builder().put("id", new StringValue(id)).build();
  }

  private String newId() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The database a URL names ({@code id:<hex>} or slug), whatever its status; empty if none. */
  public Optional<LogicalDatabase> find(String identifier) {
    if (identifier == null) {
      return Optional.empty();
    }
    String id;
    if (identifier.startsWith("id:")) {
      id = identifier.substring(3);
      if (!ID.matcher(id).matches()) {
        return Optional.empty();
      }
    } else {
      Optional<Versioned> slug = system.get(SLUGS, identifier);
      if (slug.isEmpty()) {
        return Optional.empty();
      }
      id = ((StringValue) slug.get().value().get("id")).value();
    }
    return system.get(DATABASES, id).map(v -> LogicalDatabase.fromValue(v.value()));
  }

  /**
   * The database a data request (documents, query, replication, realtime) may use: it must
   * exist (404 DATABASE_NOT_FOUND), not be suspended (403) and not be being deleted (410).
   */
  public LogicalDatabase resolveForData(String identifier) {
    LogicalDatabase db = findRecent(identifier).orElseThrow(() ->
        new SyntrixException(ErrorCode.DATABASE_NOT_FOUND, "Database '" + identifier + "' does not exist"));
    return switch (db.status()) {
      case LogicalDatabase.SUSPENDED -> throw new SyntrixException(ErrorCode.DATABASE_SUSPENDED,
          "Database '" + identifier + "' is suspended");
      case LogicalDatabase.DELETING -> throw new SyntrixException(ErrorCode.DATABASE_DELETING,
          "Database '" + identifier + "' is being deleted");
      default -> db;
    };
  }

  /** {@link #find}, answered from what was found within the last second. */
  private Optional<LogicalDatabase> findRecent(String identifier) {
    if (identifier == null) {
      return Optional.empty();
    }
    long now = System.nanoTime();
    Resolved r = resolved.get(identifier);
    if (r == null || now - r.atNanos() > RESOLVED_TTL_NANOS) {
      if (resolved.size() >= RESOLVED_MAX) {
        resolved.clear();
      }
      r = new Resolved(find(identifier).orElse(null), now);
      resolved.put(identifier, r);
      if (lastChangeNanos - now >= 0) {
        resolved.remove(identifier, r); // a change of ours may have landed after this lookup read
      }
    }
    return Optional.ofNullable(r.db());
  }

  /**
   * Forgets every recent lookup: called after this process changed a database or a slug. The
   * time is set before the clear, so a lookup that read before the change and puts its answer
   * after the clear sees it and takes the answer back.
   */
  private void changed() {
    lastChangeNanos = System.nanoTime();
    resolved.clear();
  }

  /** A database the caller may manage: its owner or an admin (403 otherwise, 404 if none). */
  public LogicalDatabase getManaged(Principal caller, String identifier) {
    LogicalDatabase db = find(identifier).orElseThrow(() ->
        new SyntrixException(ErrorCode.DATABASE_NOT_FOUND, "Database '" + identifier + "' does not exist"));
    if (!caller.isAdmin() && !db.ownerId().equals(caller.userId())) {
      throw new SyntrixException(ErrorCode.FORBIDDEN, "You do not have permission to access this database");
    }
    return db;
  }

  /** Databases the caller sees (own ones; all for admins), newest first, with optional filters. */
  public List<LogicalDatabase> list(Principal caller, String status, String owner) {
    List<LogicalDatabase> out = all(d -> (caller.isAdmin() || d.ownerId().equals(caller.userId()))
        && (status == null || d.status().equals(status)) && (owner == null || d.ownerId().equals(owner)));
    out.sort((a, b) -> Long.compare(b.createdAt(), a.createdAt()));
    return out;
  }

  public int quotaUsed(Principal caller) {
    return count(d -> d.ownerId().equals(caller.userId()) && !d.status().equals(LogicalDatabase.DELETING));
  }

  public int quotaLimit() {
    return maxPerUser;
  }

  /** What an update may change; null keeps a value. Status and settings are for admins. */
  public record Changes(String slug, String displayName, String description, String status, Long maxDocuments,
                        Long maxStorageBytes) {}

  public LogicalDatabase update(Principal caller, String identifier, Changes c) {
    LogicalDatabase db = getManaged(caller, identifier);
    if (db.status().equals(LogicalDatabase.DELETING)) {
      throw new SyntrixException(ErrorCode.DATABASE_DELETING, "Database '" + identifier + "' is being deleted");
    }
    String slug = db.slug();
    if (c.slug() != null && !c.slug().equals(db.slug())) {
      if (db.slug() != null) {
        throw new SyntrixException(ErrorCode.SLUG_IMMUTABLE, "the slug of a database cannot change once set");
      }
      checkSlug(c.slug(), caller);
      if (system.compareAndPut(SLUGS, c.slug(), 0, idRecord(db.id())) < 0) {
        throw new SyntrixException(ErrorCode.SLUG_EXISTS, "slug '" + c.slug() + "' is taken");
      }
      slug = c.slug();
    }
    if (c.displayName() != null && c.displayName().isBlank()) {
      throw new SyntrixException(ErrorCode.DISPLAY_NAME_REQUIRED, "display_name cannot be empty");
    }
    String status = db.status();
    if (c.status() != null) {
      if (!caller.isAdmin()) {
        throw new SyntrixException(ErrorCode.FORBIDDEN, "only admins may change a database's status");
      }
      if (!c.status().equals(LogicalDatabase.ACTIVE) && !c.status().equals(LogicalDatabase.SUSPENDED)) {
        throw new SyntrixException(ErrorCode.BAD_REQUEST, "status must be 'active' or 'suspended'");
      }
      status = c.status();
    }
    boolean admin = caller.isAdmin();
    LogicalDatabase updated = db.with(slug, c.displayName() != null ? c.displayName() : db.displayName(),
        c.description() != null ? c.description() : db.description(), status,
        admin && c.maxDocuments() != null ? c.maxDocuments() : db.maxDocuments(),
        admin && c.maxStorageBytes() != null ? c.maxStorageBytes() : db.maxStorageBytes(), clock.millis());
    return save(db, updated);
  }

  /** Marks the database for deletion; the data goes in the background. The default database stays. */
  public LogicalDatabase delete(Principal caller, String identifier) {
    LogicalDatabase db = getManaged(caller, identifier);
    if (DEFAULT_SLUG.equals(db.slug())) {
      throw new SyntrixException(ErrorCode.PROTECTED_DATABASE, "the default database cannot be deleted");
    }
    if (db.status().equals(LogicalDatabase.DELETING)) {
      return db;
    }
    return save(db, db.with(db.slug(), db.displayName(), db.description(), LogicalDatabase.DELETING, db.maxDocuments(),
        db.maxStorageBytes(), clock.millis()));
  }

  private LogicalDatabase save(LogicalDatabase before, LogicalDatabase after) {
    Versioned current = system.get(DATABASES, before.id()).orElseThrow();
    if (!LogicalDatabase.fromValue(current.value()).equals(before)
        || system.compareAndPut(DATABASES, before.id(), current.version(), after.toValue()) < 0) {
      throw new SyntrixException(ErrorCode.CONFLICT, "the database changed concurrently; try again");
    }
    changed();
    return after;
  }

  /** Drops the documents of every database marked for deletion, then forgets it. Returns how many went. */
  public int purgeDeleted() {
    int purged = 0;
    for (LogicalDatabase db : all(d -> d.status().equals(LogicalDatabase.DELETING))) {
      long docs = documents.dropDatabase(db.id());
      rules.drop(db.id());
      system.get(DATABASES, db.id()).ifPresent(v -> system.compareAndDelete(DATABASES, db.id(), v.version()));
      if (db.slug() != null) {
        system.get(SLUGS, db.slug()).ifPresent(v -> system.compareAndDelete(SLUGS, db.slug(), v.version()));
      }
      changed();
      log.info("purged database {} ({}): {} documents", db.id(), db.slug(), docs);
      purged++;
    }
    return purged;
  }

  /**
   * Creates the {@code default} database owned by {@code ownerId} unless it exists; returns it.
   *
   * <p>Safe when several processes start on one store at the same moment: the database gets the
   * fixed id {@value #DEFAULT_ID}, every starter writes its record with compare-and-put on
   * version 0 (exactly one wins), then points the slug at it (the same value from everyone). The
   * record is written before the slug, so a starter stopped between the two leaves nothing a
   * later start cannot finish; a slug left naming no database (older versions wrote it first) is
   * taken over. Stores bootstrapped before keep their default's random id.
   */
  public LogicalDatabase bootstrapDefault(String ownerId) {
    Optional<LogicalDatabase> existing = find(DEFAULT_SLUG);
    if (existing.isPresent()) {
      return existing.get();
    }
    long now = clock.millis();
    LogicalDatabase db = new LogicalDatabase(DEFAULT_ID, DEFAULT_SLUG, "Default", "Created at first start", ownerId,
        now, now, LogicalDatabase.ACTIVE, 0, 0);
    if (system.compareAndPut(DATABASES, DEFAULT_ID, 0, db.toValue()) > 0) {
      log.info("created the default database {}", DEFAULT_ID);
    }
    Optional<Versioned> slug = system.get(SLUGS, DEFAULT_SLUG);
    if (slug.isEmpty()) {
      system.compareAndPut(SLUGS, DEFAULT_SLUG, 0, idRecord(DEFAULT_ID));
    } else {
      // It names no database (else find had found it): older versions wrote the slug first and may have stopped.
      log.warn("the slug 'default' named no database; it now names {}", DEFAULT_ID);
      system.compareAndPut(SLUGS, DEFAULT_SLUG, slug.get().version(), idRecord(DEFAULT_ID));
    }
    changed();
    return find(DEFAULT_SLUG).orElseThrow(() -> new IllegalStateException(
        "the slug 'default' names a database that does not exist"));
  }

  private List<LogicalDatabase> all(Predicate<LogicalDatabase> filter) {
    List<LogicalDatabase> out = new ArrayList<>();
    String after = null;
    while (true) {
      List<Versioned> page = system.scan(DATABASES, after, 500);
      if (page.isEmpty()) {
        return out;
      }
      for (Versioned v : page) {
        LogicalDatabase d = LogicalDatabase.fromValue(v.value());
        if (filter.test(d)) {
          out.add(d);
        }
      }
      after = page.get(page.size() - 1).key();
    }
  }

  private int count(Predicate<LogicalDatabase> filter) {
    return all(filter).size();
  }
}
