package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.MapValue;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code syntrix serve} as its own process, the way the launcher does, and stops it with SIGTERM. */
class ServeCommandTest {
  @TempDir
  Path dir;

  @Test
  void servesUntilSigtermThenReleasesTheStore() throws Exception {
    Path data = dir.resolve("data");
    try (RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(data))) {
      store.create("default", DocumentPath.of("c/d"), MapValue.EMPTY);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), SyntrixMain.class.getName(), "serve", "--data-dir", data.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("Syntrix ready").contains("seq 1");
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    // The store was closed cleanly: it opens again (RocksDB's lock is free) with the data intact.
    try (RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(data))) {
      assertThat(store.get("default", DocumentPath.of("c/d"))).isPresent();
      assertThat(store.changeLog().read(0, 10)).hasSize(1);
      assertThat(List.of(store.changeLog().lastSeq())).containsExactly(1L);
    }
  }
}
