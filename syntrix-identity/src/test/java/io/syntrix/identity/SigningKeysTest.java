package io.syntrix.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the signing key comes from: the store (created once, migrated from the old file) or a configured file. */
class SigningKeysTest {
  @TempDir
  Path dir;
  RocksDocumentStore store;

  @BeforeEach
  void open() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("store")));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aDataDirectoryFromBeforeKeepsItsKey() {
    Path legacy = dir.resolve("keys").resolve("auth_private.pem");
    PublicKey old = SigningKeys.loadOrCreate(legacy).getPublic();

    assertThat(SigningKeys.fromStore(store.system(), legacy).getPublic()).as("migrated").isEqualTo(old);
    assertThat(SigningKeys.fromStore(store.system(), null).getPublic()).as("kept in the store").isEqualTo(old);
    assertThat(legacy).as("left where it was").exists();
  }

  @Test
  void theStoredKeyWinsOverALegacyFileThatDiffers() throws Exception {
    PublicKey stored = SigningKeys.fromStore(store.system(), null).getPublic();
    Path other = dir.resolve("other.pem");
    assertThat(SigningKeys.loadOrCreate(other).getPublic()).isNotEqualTo(stored);

    assertThat(SigningKeys.fromStore(store.system(), other).getPublic()).isEqualTo(stored);
    assertThat(store.system().get(SigningKeys.NAMESPACE, SigningKeys.SIGNING).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void startersRacingOnAnEmptyStoreAllGetTheOneStoredKey() throws Exception {
    int starters = 6;
    CyclicBarrier together = new CyclicBarrier(starters);
    ExecutorService pool = Executors.newFixedThreadPool(starters);
    try {
      List<Future<KeyPair>> keys = new ArrayList<>();
      for (int i = 0; i < starters; i++) {
        keys.add(pool.submit(() -> {
          together.await();
          return SigningKeys.fromStore(store.system(), null);
        }));
      }
      Set<PublicKey> distinct = new HashSet<>();
      for (Future<KeyPair> k : keys) {
        distinct.add(k.get().getPublic());
      }
      assertThat(distinct).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aConfiguredFileIsUsedAndTheStoreIsLeftAlone() {
    Path file = dir.resolve("cluster.pem");
    KeyPair key = SigningKeys.loadOrCreate(file);
    IdentityServices identity = IdentityServices.start(store, IdentityServices.Options.defaults(dir)
        .withSigningKey(file).withHasher(new PasswordHasher(1024, 1, 1)).withAdminPassword("Sx!configured-key-9a"));
    String access = identity.auth().login("syntrix", "Sx!configured-key-9a").accessToken();
    TokenService sameFile = new TokenService(SigningKeys.loadOrCreate(file), java.time.Clock.systemUTC(),
        java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(1));
    assertThat(sameFile.verifyAccess(access).username()).isEqualTo("syntrix");
    assertThat(key.getPublic()).isEqualTo(SigningKeys.loadOrCreate(file).getPublic());
    assertThat(store.system().get(SigningKeys.NAMESPACE, SigningKeys.SIGNING)).isEmpty();
    assertThat(Files.exists(dir.resolve("keys"))).isFalse();
  }
}
