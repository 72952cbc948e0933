package io.syntrix.bench;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.streamer.match.CompiledSubscription;
import io.syntrix.streamer.match.MatchSink;
import io.syntrix.streamer.match.Matcher;
import io.syntrix.streamer.match.Registration;
import io.syntrix.streamer.match.Subscription;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matching one change against 100,000 subscriptions ({@link StreamerWorkload}) on one thread:
 * the streamer's indexed matcher, the same index without range placements (the issue's
 * hash + residual design), and the linear baseline that evaluates every subscription of the
 * collection as the original system did, in the same run.
 *
 * <p>{@code match} starts from flattened images (what the matcher receives);
 * {@code flattenAndMatch} also flattens both documents, as the streamer's puller does once per
 * change. The sink groups matches per gateway the way the streamer does (a counter per gateway),
 * so every match is consumed. Throughput is changes per second; SampleTime gives the per-change
 * latency distribution (p99).
 *
 * <pre>
 * ./mvnw -B -q -ntp -pl syntrix-bench -am package -DskipTests
 * java -jar syntrix-bench/target/syntrix-bench.jar StreamerMatchBenchmark -f 1 -wi 3 -w 2s -i 5 -r 3s \
 *     -bm thrpt,sample -tu ms
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class StreamerMatchBenchmark {
  static final int CHANGES = 1 << 15;

  @Param({"indexed", "indexedWithoutRanges", "linear"})
  public String matcher;

  private Matcher m;
  private StreamerWorkload.Change[] changes;
  private int next;
  private final GatewayCounts sink = new GatewayCounts();

  /** Counts matches per gateway, as the streamer groups them into one delivery per gateway. */
  static final class GatewayCounts implements MatchSink {
    final long[] perGateway = new long[StreamerWorkload.GATEWAYS];
    long creates;

    @Override
    public void matched(Registration registration, Op op) {
      perGateway[(Integer) registration.attachment()]++;
      if (op == Op.CREATE) {
        creates++;
      }
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    m = switch (matcher) {
      case "indexed" -> Matcher.indexed();
      case "indexedWithoutRanges" -> Matcher.indexedWithoutRanges();
      case "linear" -> Matcher.linear();
      default -> throw new IllegalArgumentException(matcher);
    };
    int i = 0;
    for (Subscription s : StreamerWorkload.subscriptions(42)) {
      m.add(CompiledSubscription.compile(s), i++ % StreamerWorkload.GATEWAYS);
    }
    changes = StreamerWorkload.changes(7, 100_000, CHANGES);
  }

  @Benchmark
  public int match() {
    StreamerWorkload.Change c = changes[next++ & (CHANGES - 1)];
    return m.match(StreamerWorkload.DATABASE, StreamerWorkload.COLLECTION, c.flatBefore(), c.flatAfter(), sink);
  }

  @Benchmark
  public int flattenAndMatch() {
    StreamerWorkload.Change c = changes[next++ & (CHANGES - 1)];
    return m.match(StreamerWorkload.DATABASE, StreamerWorkload.COLLECTION, c.before().toFlat(), c.after().toFlat(),
        sink);
  }
}
