package io.syntrix.bench;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.rules.Action;
import io.syntrix.rules.Auth;
import io.syntrix.rules.Decision;
import io.syntrix.rules.DocumentReader;
import io.syntrix.rules.RuleRequest;
import io.syntrix.rules.RuleSet;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Security-rule evaluation ({@link RuleSet#evaluate}) on one thread, against the same check
 * written by hand in Java.
 *
 * <p><b>Rules.</b> One rule set with four sibling blocks under
 * {@code /databases/{database}/documents} ({@code /users/{userId}}, {@code /rooms/{roomId}} with
 * nested messages, {@code /posts/{postId}} with nested comments, and {@code /{document=**}}),
 * so every evaluation walks and binds like a real rule set. The request is an {@code update} of
 * {@code posts/p1} by user {@code alice}; the stored post has eight fields with
 * {@code owner: alice}, the new data a non-empty title. Two forms of a three-part check:
 * <ul>
 *   <li>{@code celAnd}: one condition,
 *       {@code request.auth.userId != null && resource.data.owner == request.auth.userId
 *       && request.resource.data.title.size() > 0} (all three parts run, result true);
 *   <li>{@code celOr}: three OR-ed conditions, {@code 'admin' in request.auth.roles},
 *       {@code request.auth.userId in resource.data.editors} and
 *       {@code resource.data.owner == request.auth.userId}: the first two are false, so all
 *       three programs run and the third allows (the worst case for an allow);
 *   <li>{@code celAndWithNewRequest}: {@code celAnd} plus building the {@link RuleRequest}
 *       from an already parsed path (shape checks, database name check), as a gateway does per
 *       request;
 *   <li>{@code baselineJava}: the {@code celAnd} check by hand: split the path, compare the
 *       collection, then the three tests on the same {@code MapValue}s.
 * </ul>
 * The figure to watch is {@code celAnd}/{@code celOr} (target ≥ 500,000 evaluations/s on one
 * thread of the 2-core reference machine); the baseline shows what CEL and the generic tree
 * walk cost over a hard-coded check. Not measured: {@code get()}/{@code exists()} (their cost
 * is the store read), and loading (each condition is compiled once, at parse).
 *
 * <p>Run (about 3 minutes):
 * <pre>
 *   ./mvnw -B -q -ntp -pl syntrix-bench -am package -DskipTests
 *   java -jar syntrix-bench/target/syntrix-bench.jar RuleEvaluationBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
@State(Scope.Thread)
public class RuleEvaluationBenchmark {
  static final String RULES = """
      rules_version: '1'
      match:
        /databases/{database}/documents:
          match:
            /users/{userId}:
              allow:
                read, write: "request.auth.userId == userId"
            /rooms/{roomId}:
              allow:
                read: "request.auth.userId != null"
              match:
                /messages/{msgId}:
                  allow:
                    read, create: "request.auth.userId != null"
            /posts/{postId}:
              allow:
                read: "true"
                update: %s
              match:
                /comments/{commentId}:
                  allow:
                    read: "true"
            /{document=**}:
              allow:
                read, write: "false"
      """;
  /** One condition, as a YAML double-quoted scalar. */
  static final String AND = "\"request.auth.userId != null && resource.data.owner == request.auth.userId"
      + " && request.resource.data.title.size() > 0\"";
  /** Three OR-ed conditions, as a YAML flow list. */
  static final String OR = "[\"'admin' in request.auth.roles\", \"request.auth.userId in resource.data.editors\","
      + " \"resource.data.owner == request.auth.userId\"]";

  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final DocumentReader NO_READS = (database, path) -> Optional.empty();

  RuleSet andRules;
  RuleSet orRules;
  RuleRequest request;
  Auth auth;
  DocumentPath path;
  MapValue newData;
  Document existing;

  @Setup
  public void setup() {
    andRules = RuleSet.parse(RULES.formatted(AND));
    orRules = RuleSet.parse(RULES.formatted(OR));
    auth = Auth.user("alice", "user");
    path = DocumentPath.of("posts/p1");
    MapValue stored = MapValue.builder()
        .put("owner", Value.of("alice"))
        .put("editors", ArrayValue.of(Value.of("bob"), Value.of("carol")))
        .put("title", Value.of("Rules on the JVM"))
        .put("body", Value.of("CEL programs compiled once, evaluated per request."))
        .put("tags", ArrayValue.of(Value.of("cel"), Value.of("rules")))
        .put("likes", Value.of(42))
        .put("score", Value.of(4.5))
        .put("draft", Value.of(false))
        .build();
    existing = new Document(path, stored, 3, 1_700_000_000_000L, 1_700_000_100_000L, false);
    newData = MapValue.builder().putAll(stored).put("title", Value.of("Rules on the JVM, 2nd ed.")).build();
    request = RuleRequest.document("default", path, Action.UPDATE, auth, newData, existing, NOW, NO_READS);
    check(andRules.evaluate(request), "celAnd");
    check(orRules.evaluate(request), "celOr");
    if (!baselineJava()) {
      throw new IllegalStateException("baseline denies");
    }
  }

  private static void check(Decision d, String what) {
    if (!d.allowed()) {
      throw new IllegalStateException(what + " denies: " + d.reason());
    }
  }

  @Benchmark
  public Decision celAnd() {
    return andRules.evaluate(request);
  }

  @Benchmark
  public Decision celOr() {
    return orRules.evaluate(request);
  }

  @Benchmark
  public Decision celAndWithNewRequest() {
    return andRules.evaluate(RuleRequest.document("default", path, Action.UPDATE, auth, newData, existing, NOW, NO_READS));
  }

  @Benchmark
  public boolean baselineJava() {
    String[] segments = request.path().split("/");
    if (segments.length != 2 || !segments[0].equals("posts")) {
      return false;
    }
    String userId = auth.userId();
    return userId != null
        && existing.data().get("owner") instanceof StringValue owner && owner.value().equals(userId)
        && newData.get("title") instanceof StringValue title && title.value().codePointCount(0, title.value().length()) > 0;
  }
}
