package io.syntrix.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Older versions wrote the admin's name and the {@code default} slug before the records they
 * name; a process stopped in between left a name pointing at nothing. The next start finishes
 * the bootstrap instead of failing.
 */
class BootstrapRepairTest {
  private static final String PASSWORD = "Sx!repair-pass-9a";
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
  void namesPointingAtNothingAreTakenOver() {
    store.system().compareAndPut("usernames", "syntrix", 0, idRecord("5d2c4a6e-0000-0000-0000-000000000000"));
    store.system().compareAndPut("slugs", "default", 0, idRecord("00000000deadbeef"));

    IdentityServices identity = IdentityServices.start(store, IdentityServices.Options.defaults(dir)
        .withHasher(new PasswordHasher(1024, 1, 1)).withAdminPassword(PASSWORD));

    String admin = identity.auth().authenticate(identity.auth().login("syntrix", PASSWORD).accessToken()).userId();
    assertThat(admin).isEqualTo(AuthService.adminId("syntrix"));
    assertThat(identity.databases().resolveForData("default").id()).isEqualTo(DatabaseService.DEFAULT_ID);
    assertThat(identity.rules().rulesOf(DatabaseService.DEFAULT_ID)).isPresent();
  }

  private static MapValue idRecord(String id) {
    return MapValue.builder().put("id", new StringValue(id)).build();
  }
}
