package io.syntrix.bench.load;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.store.postgres.ChangeMessage;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresStoreOptions;
import io.syntrix.store.postgres.log.Sequencer;
import io.syntrix.store.spi.ChangeCodec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/syntrix-bench sequencer}: how many changes per second the PostgreSQL sequencer turns
 * into log entries, apart from everything else. With no sequencer running, W connections commit N
 * transactions that each emit one {@code syntrix.change} message, as a create does (a real encoded
 * change of a small document); then a {@link Sequencer} starts on the backlog and the time until
 * it has sequenced all N is measured. The baseline in the same run: the same N transactions
 * committed by the W writers (what producing the backlog cost).
 */
@Command(name = "syntrix-bench sequencer", mixinStandardHelpOptions = true,
    description = "Sequencer throughput on PostgreSQL: a backlog of N one-change transactions sequenced from the slot.")
public final class SequencerThroughput implements Callable<Integer> {
  @Option(names = {"-n", "--changes"}, description = "Transactions in the backlog (default ${DEFAULT-VALUE}).")
  int changes = 50_000;

  @Option(names = {"-c", "--writers"}, description = "Connections producing the backlog (default ${DEFAULT-VALUE}).")
  int writers = 16;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SequencerThroughput()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (BenchPostgres pg = BenchPostgres.start()) {
      String url = pg.jdbcUrl();
      // Schema and slot, without a sequencer: the backlog waits in the slot.
      new PostgresDocumentStore(PostgresStoreOptions.defaults(url).withSequencer(false)).close();
      long produceNanos = produce(url);
      AtomicLong sequenced = new AtomicLong();
      AtomicInteger batches = new AtomicInteger();
      Sequencer sequencer = new Sequencer(Sequencer.Options.defaults(url), message -> {
        ChangeCodec.Names names = ChangeMessage.namesOf(message);
        return new Sequencer.Route(ChangeMessage.xidOf(message), names.database(), names.path().collection().value(),
            names.path().id());
      }, entries -> {
        batches.incrementAndGet();
        sequenced.addAndGet(entries.size());
      });
      long started = System.nanoTime();
      sequencer.start();
      try {
        while (sequenced.get() < changes) {
          Thread.sleep(5);
          if (System.nanoTime() - started > 600_000_000_000L) {
            throw new IllegalStateException("only " + sequenced.get() + " of " + changes + " sequenced in 10 minutes");
          }
        }
      } finally {
        sequencer.close();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("%nsequencer, %d one-change transactions waiting in the slot, %d cores:%n", changes,
          Runtime.getRuntime().availableProcessors());
      System.out.printf("  backlog committed by %d writers   %8.0f transactions/s (baseline)%n", writers,
          changes / (produceNanos / 1e9));
      System.out.printf("  sequenced                         %8.0f changes/s   (%d in %.2f s, %d batches, %.0f per batch)%n",
          changes / seconds, changes, seconds, batches.get(), changes / (double) batches.get());
    }
    return 0;
  }

  /** Commits the backlog; returns how long it took. */
  private long produce(String url) throws Exception {
    MapValue data = (MapValue) Json.parse("{\"n\":1,\"text\":\"hello sequencer\",\"tags\":[\"a\",\"b\"]}");
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    for (int w = 0; w < writers; w++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement s = c.prepareStatement("SELECT pg_logical_emit_message(true, '" + ChangeMessage.PREFIX
                 + "', overlay(?::bytea placing int8send(pg_current_xact_id()::text::bigint) from 2 for 8))")) {
          int i;
          while ((i = next.getAndIncrement()) < changes) {
            DocumentPath path = DocumentPath.of("bench/d" + i);
            long now = System.currentTimeMillis();
            Document after = new Document(path, data, 1, now, now, false);
            s.setBytes(1, ChangeMessage.encode(0, new ChangeEvent(0, "default", path, ChangeEvent.Op.CREATE, null,
                after, now)));
            s.executeQuery().close();
          }
        } catch (Exception e) {
          failures.add(e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(failures.size() + " writers failed", failures.get(0));
    }
    return System.nanoTime() - started;
  }
}
