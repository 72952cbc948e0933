package io.syntrix.bench;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The documents, names and scratch directories the benchmarks share. */
final class BenchData {
  static final String DATABASE = "bench";
  static final CollectionPath MESSAGES = CollectionPath.of("messages");

  /**
   * Parent of the per-trial store directories. {@code SYNTRIX_JAVA_OPTS=-Dsyntrix.bench.dir=...}
   * moves it (JMH forks inherit the launcher's JVM options).
   */
  private static final Path ROOT = Path.of(System.getProperty("syntrix.bench.dir", System.getProperty("java.io.tmpdir")));

  private BenchData() {}

  /**
   * A small chat-message-like document: two strings, two ints, a double, a bool and a two-field
   * nested map; 131 bytes of compact JSON. Each of the six top-level fields gets an index entry.
   */
  static MapValue message(String room, long score) {
    return Json.parseObject(("{\"author\":\"ada.lovelace\",\"room\":\"" + room + "\",\"score\":" + score
        + ",\"likes\":17,\"rating\":4.75,\"pinned\":false,\"meta\":{\"client\":\"web/1.4.2\",\"edits\":0}}")
        .getBytes(StandardCharsets.UTF_8));
  }

  static Path freshDirectory(String name) {
    try {
      Files.createDirectories(ROOT);
      return Files.createTempDirectory(ROOT, "syntrix-bench-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Total size of the files under {@code dir}, for the teardown summary. */
  static long sizeOf(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
