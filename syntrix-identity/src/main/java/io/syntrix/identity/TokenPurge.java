package io.syntrix.identity;

import io.syntrix.model.BooleanValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import io.syntrix.store.SystemStore;
import io.syntrix.store.SystemStore.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes refresh-token and token-family records nobody can use any more, a bounded slice at a
 * time, so that logins and refreshes do not grow the system store forever.
 *
 * <p><b>What goes.</b> A refresh record past its {@code expiresAt}: its JWT has expired too, so
 * it is refused before its record is looked up. A family that is revoked, or past its
 * {@code expiresAt} (the expiry of the newest refresh token issued in it; access tokens live
 * shorter): a missing family already counts as revoked ({@link AuthService}), so deleting one
 * changes no answer. A family written before families carried an expiry is given one a full
 * refresh lifetime from now, which is later than any of its tokens can live.
 *
 * <p><b>Bounds.</b> Each {@link #step} reads at most {@code batch} records of each namespace,
 * continuing where the previous step stopped and starting over after the end. Deletes are
 * compare-and-delete: a record changed meanwhile (a refresh marking its token used) is left for
 * the next pass. <b>Threads.</b> One step at a time (synchronized); it does blocking I/O.
 */
final class TokenPurge {
  private static final Logger log = LoggerFactory.getLogger(TokenPurge.class);

  private final SystemStore system;
  private final Clock clock;
  private final Duration refreshTtl;
  private final int batch;
  private String refreshCursor;
  private String familyCursor;

  TokenPurge(SystemStore system, Clock clock, Duration refreshTtl, int batch) {
    this.system = system;
    this.clock = clock;
    this.refreshTtl = refreshTtl;
    this.batch = batch;
  }

  /** What one step did: records read and deleted, and whether it reached the end of both namespaces. */
  record Step(int examined, int deleted, boolean wrapped) {}

  synchronized Step step() {
    long now = clock.millis();
    List<Versioned> refresh = system.scan(AuthService.REFRESH, refreshCursor, batch);
    int deleted = 0;
    for (Versioned r : refresh) {
      if (expiresAt(r.value()) <= now && system.compareAndDelete(AuthService.REFRESH, r.key(), r.version())) {
        deleted++;
      }
    }
    refreshCursor = refresh.size() < batch ? null : refresh.getLast().key();
    List<Versioned> families = system.scan(AuthService.FAMILIES, familyCursor, batch);
    for (Versioned f : families) {
      deleted += purgeFamily(f, now) ? 1 : 0;
    }
    familyCursor = families.size() < batch ? null : families.getLast().key();
    if (deleted > 0) {
      log.debug("purged {} expired or revoked token records", deleted);
    }
    return new Step(refresh.size() + families.size(), deleted, refreshCursor == null && familyCursor == null);
  }

  private boolean purgeFamily(Versioned f, long now) {
    boolean revoked = f.value().get("revoked") instanceof BooleanValue b && b.value();
    if (!revoked && !f.value().fields().containsKey("expiresAt")) {
      MapValue stamped = MapValue.builder().putAll(f.value())
          .put("expiresAt", IntegerValue.of(now + refreshTtl.toMillis())).build();
      system.compareAndPut(AuthService.FAMILIES, f.key(), f.version(), stamped);
      return false;
    }
    return (revoked || expiresAt(f.value()) <= now)
        && system.compareAndDelete(AuthService.FAMILIES, f.key(), f.version());
  }

  private static long expiresAt(MapValue record) {
    Value v = record.get("expiresAt");
    return v instanceof IntegerValue i ? i.value() : Long.MAX_VALUE;
  }
}
