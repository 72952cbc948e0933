package io.syntrix.streamer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.Write;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A real store in a temporary directory and a streamer on its change log, closed after each test. */
abstract class StreamerTestSupport {
  static final String DB = "db1";
  static final String ROOMS = "rooms";

  @TempDir
  Path dir;
  RocksDocumentStore store;
  InProcessStreamer streamer;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  void openStore() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir.resolve("store")));
  }

  InProcessStreamer startStreamer(StreamerOptions options) {
    streamer = InProcessStreamer.start(store.changeLog(), options.withMeters(meters));
    return streamer;
  }

  StreamerOptions defaults() {
    return StreamerOptions.defaults().withCheckpointInterval(Duration.ofMillis(50)).withRetryPause(Duration.ofMillis(20));
  }

  @AfterEach
  void closeAll() {
    if (streamer != null) {
      streamer.close();
    }
    if (store != null) {
      store.close();
    }
  }

  static List<Filter> filters(String json) {
    return Filter.listFromValue(Json.parse(json));
  }

  static MapValue json(String json) {
    return (MapValue) Json.parse(json);
  }

  long put(String id, String json) {
    return store.write(new Write.Replace(DB, DocumentPath.of(ROOMS + "/" + id), json(json), List.of())).seq();
  }

  long delete(String id) {
    return store.write(new Write.Delete(DB, DocumentPath.of(ROOMS + "/" + id), List.of())).seq();
  }
}
