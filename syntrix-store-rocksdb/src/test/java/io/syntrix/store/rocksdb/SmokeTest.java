package io.syntrix.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir
  Path dir;

  @Test
  void createReadUpdateDelete() {
    try (RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir))) {
      var d = store.create("db", DocumentPath.of("users/alice"), (MapValue) Json.parse("{\"age\": 30}"));
      assertThat(d.version()).isEqualTo(1);
      var p = store.patch("db", DocumentPath.of("users/alice"), (MapValue) Json.parse("{\"age\": 31}"), List.of());
      assertThat(p.version()).isEqualTo(2);
      store.delete("db", DocumentPath.of("users/alice"), List.of());
      assertThat(store.get("db", DocumentPath.of("users/alice"))).isEmpty();
      assertThat(store.changeLog().read(0, 10)).hasSize(3);
      assertThat(store.checkIntegrity().problems()).isEmpty();
    }
  }
}
