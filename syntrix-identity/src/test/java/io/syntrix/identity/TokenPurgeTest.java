package io.syntrix.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.BooleanValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.store.SystemStore;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenPurgeTest {
  private static final long NOW = 1_000_000_000L;
  @TempDir
  Path dir;
  RocksDocumentStore store;
  SystemStore system;

  @BeforeEach
  void open() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
    system = store.system();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private TokenPurge purge(int batch) {
    return new TokenPurge(system, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), Duration.ofDays(7), batch);
  }

  private void refresh(String jti, long expiresAt) {
    system.compareAndPut(AuthService.REFRESH, jti, 0, MapValue.builder().put("expiresAt", IntegerValue.of(expiresAt))
        .put("used", BooleanValue.FALSE).build());
  }

  private void family(String id, boolean revoked, Long expiresAt) {
    MapValue.Builder b = MapValue.builder().put("revoked", BooleanValue.of(revoked));
    if (expiresAt != null) {
      b.put("expiresAt", IntegerValue.of(expiresAt));
    }
    system.compareAndPut(AuthService.FAMILIES, id, 0, b.build());
  }

  private int count(String namespace) {
    return system.scan(namespace, null, 10_000).size();
  }

  @Test
  void eachStepReadsABoundedSliceAndAFullPassRemovesOnlyWhatNobodyCanUse() {
    for (int i = 0; i < 25; i++) {
      refresh("old" + (char) ('a' + i), NOW - 1);
    }
    refresh("z-live", NOW + 60_000); // sorts after the expired ones
    family("f-expired", false, NOW - 1);
    family("f-revoked", true, NOW + 60_000);
    family("f-live", false, NOW + 60_000);
    family("f-legacy", false, null);
    TokenPurge purge = purge(10);
    TokenPurge.Step first = purge.step();
    assertThat(first.examined()).isLessThanOrEqualTo(20);
    assertThat(first.wrapped()).isFalse();
    assertThat(count(AuthService.REFRESH)).isEqualTo(26 - 10);
    while (!purge.step().wrapped()) {
      // continue the pass
    }
    assertThat(system.scan(AuthService.REFRESH, null, 100)).extracting(SystemStore.Versioned::key)
        .containsExactly("z-live");
    assertThat(system.scan(AuthService.FAMILIES, null, 100)).extracting(SystemStore.Versioned::key)
        .containsExactly("f-legacy", "f-live");
    assertThat(system.get(AuthService.FAMILIES, "f-legacy").orElseThrow().value().get("expiresAt"))
        .as("a family from before expiries gets one a refresh lifetime away")
        .isEqualTo(IntegerValue.of(NOW + Duration.ofDays(7).toMillis()));
  }
}
