package io.syntrix.server;

import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syntrix serve}: runs standalone on the embedded store until SIGTERM or SIGINT, then
 * closes the store (queued writes finish and the WAL is fsynced).
 *
 * <p>For now it opens the store and reports readiness; the HTTP server joins with the REST work.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start Syntrix standalone on the embedded store.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "--data-dir", defaultValue = "${env:SYNTRIX_DATA_DIR:-./data}",
      description = "Directory of the embedded store (env SYNTRIX_DATA_DIR; default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--port", defaultValue = "${env:SYNTRIX_PORT:-8080}",
      description = "HTTP port (env SYNTRIX_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--retention", defaultValue = "${env:SYNTRIX_RETENTION:-P30D}",
      description = "How long tombstones and change-log entries are kept, ISO-8601 (default ${DEFAULT-VALUE}).")
  Duration retention;

  @Override
  public Integer call() throws InterruptedException {
    RocksStoreOptions options = RocksStoreOptions.defaults(dataDir.toAbsolutePath().normalize()).withRetention(retention);
    RocksDocumentStore store = RocksDocumentStore.open(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("syntrix-shutdown").unstarted(() -> {
      log.info("shutting down");
      store.close();
      stopped.countDown();
    }));
    // The line scripts and tests wait for.
    System.out.println("Syntrix ready: store at " + options.directory() + ", change log at seq "
        + store.changeLog().lastSeq());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
