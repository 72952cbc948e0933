package io.syntrix.bench;

import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.DeliveryHandler;
import io.syntrix.streamer.EventDelivery;
import io.syntrix.streamer.InProcessStreamer;
import io.syntrix.streamer.Stream;
import io.syntrix.streamer.StreamerOptions;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.match.CompiledSubscription;
import io.syntrix.streamer.match.Matcher;
import io.syntrix.streamer.match.Subscription;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap retained per subscription for the {@link StreamerWorkload} (100,000 subscriptions): the
 * used heap after full GCs, before and after building the structure, divided by the count. The
 * subscriptions themselves (ids, filters, values) are counted, since the streamer holds them.
 *
 * <ul>
 *   <li>{@code indexed}: {@code Matcher.indexed()} with every compiled subscription;
 *   <li>{@code linear}: the baseline's list, for comparison;
 *   <li>{@code streamer}: an {@code InProcessStreamer} (on an empty RocksDB store) with the
 *       subscriptions registered through 16 gateway streams, i.e. everything the running streamer
 *       keeps per subscription.
 * </ul>
 *
 * <pre>
 * java -cp syntrix-bench/target/syntrix-bench.jar io.syntrix.bench.StreamerFootprint
 * </pre>
 */
public final class StreamerFootprint {
  private StreamerFootprint() {}

  public static void main(String[] args) throws Exception {
    report("indexed", () -> build(Matcher.indexed()));
    report("linear", () -> build(Matcher.linear()));
    Path dir = Files.createTempDirectory("syntrix-footprint");
    try (RocksDocumentStore store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir))) {
      report("streamer", () -> {
        InProcessStreamer streamer = InProcessStreamer.start(store.changeLog(), StreamerOptions.defaults());
        List<Stream> streams = new ArrayList<>();
        for (int g = 0; g < StreamerWorkload.GATEWAYS; g++) {
          streams.add(streamer.open("gateway-" + g, new Ignore()));
        }
        int i = 0;
        for (Subscription s : StreamerWorkload.subscriptions(42)) {
          streams.get(i++ % StreamerWorkload.GATEWAYS).subscribe(
              SubscribeRequest.live(s.id(), s.database(), s.collection(), s.filters()));
        }
        return List.of(streamer, streams);
      });
    }
  }

  private static Object build(Matcher matcher) {
    int i = 0;
    for (Subscription s : StreamerWorkload.subscriptions(42)) {
      matcher.add(CompiledSubscription.compile(s), i++ % StreamerWorkload.GATEWAYS);
    }
    return matcher;
  }

  private static void report(String name, java.util.function.Supplier<Object> build) throws InterruptedException {
    long before = usedAfterGc();
    Object retained = build.get();
    long after = usedAfterGc();
    System.out.printf("%-9s %,d bytes for 100,000 subscriptions = %,d bytes per subscription%n", name,
        after - before, (after - before) / 100_000);
    if (retained instanceof List<?> l && l.getFirst() instanceof InProcessStreamer s) {
      s.close();
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Discards deliveries (there are none: nothing is written). */
  private static final class Ignore implements DeliveryHandler {
    @Override
    public void onDelivery(EventDelivery delivery) {}

    @Override
    public void onCutOff(CutOff cutOff) {}
  }
}
