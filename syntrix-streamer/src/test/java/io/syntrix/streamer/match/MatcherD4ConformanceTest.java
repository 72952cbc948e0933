package io.syntrix.streamer.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.MapValue;
import io.syntrix.testkit.D4Case;
import io.syntrix.testkit.D4Cases;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The D4 conformance table through the matchers: a subscription with the case's filter is
 * delivered a create of the case's document iff the table says the filter matches; likewise a
 * delete, and an update that leaves the document unchanged. Covers hash, element, range and
 * residual placements, because the table holds every operator.
 */
class MatcherD4ConformanceTest {
  static List<D4Case> cases() {
    return D4Cases.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyMatcherAgreesWithTheTable(D4Case c) {
    for (Supplier<Matcher> factory : List.<Supplier<Matcher>>of(Matcher::indexed, Matcher::indexedWithoutRanges,
        Matcher::linear)) {
      Matcher m = factory.get();
      // A decoy on the same field keeps the field indexed with more than one bucket.
      m.add(CompiledSubscription.compile(new Subscription("decoy", "gw", "db", "c",
          List.of(io.syntrix.model.Filter.of(c.filter().field(), "==", io.syntrix.model.Value.of("decoy"))))), "decoy");
      m.add(CompiledSubscription.compile(new Subscription("s", "gw", "db", "c", List.of(c.filter()))), "s");
      assertThat(ops(m, null, c.document())).as("create: " + c).isEqualTo(c.expected() ? List.of(Op.CREATE) : List.of());
      assertThat(ops(m, c.document(), null)).as("delete: " + c).isEqualTo(c.expected() ? List.of(Op.DELETE) : List.of());
      assertThat(ops(m, c.document(), c.document())).as("update: " + c)
          .isEqualTo(c.expected() ? List.of(Op.UPDATE) : List.of());
    }
  }

  private static List<Op> ops(Matcher m, MapValue before, MapValue after) {
    List<Op> out = new ArrayList<>();
    m.match("db", "c", before, after, (r, op) -> {
      if (r.attachment().equals("s")) {
        out.add(op);
      }
    });
    return out;
  }
}
