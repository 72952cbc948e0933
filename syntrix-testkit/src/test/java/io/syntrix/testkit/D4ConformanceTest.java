package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.FieldPath;
import io.syntrix.model.Filter;
import io.syntrix.model.FilterOp;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs the D4 conformance table through the model's evaluator, both compiled and per filter. */
class D4ConformanceTest {
  static List<D4Case> cases() {
    return D4Cases.cases();
  }

  static List<D4Rejection> rejections() {
    return D4Cases.rejections();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void compiledPredicateMatchesTable(D4Case c) {
    assertThat(DocumentPredicate.compile(List.of(c.filter())).test(c.document())).as(c.toString())
        .isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filterMatchesTable(D4Case c) {
    Filter f = c.filter();
    assertThat(f.test(FieldPath.parse(f.field()).resolve(c.document()))).as(c.toString()).isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void rejectedFilterIsInvalidInput(D4Rejection r) {
    assertThatThrownBy(() -> Filter.of(r.field(), r.op(), r.value())).as(r.toString())
        .isInstanceOf(InvalidInputException.class);
    MapValue wire = MapValue.builder()
        .put("field", new StringValue(r.field()))
        .put("op", new StringValue(r.op()))
        .put("value", r.value())
        .build();
    assertThatThrownBy(() -> Filter.fromValue(wire)).as(r.toString()).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void tableIsLargeEnough() {
    assertThat(D4Cases.cases()).hasSizeGreaterThanOrEqualTo(150);
    assertThat(D4Cases.rejections()).isNotEmpty();
  }

  @Test
  void tableCoversEveryOperatorBothWays() {
    Set<FilterOp> matching = opsWhere(true);
    Set<FilterOp> notMatching = opsWhere(false);
    assertThat(matching).isEqualTo(EnumSet.allOf(FilterOp.class));
    assertThat(notMatching).isEqualTo(EnumSet.allOf(FilterOp.class));
  }

  @Test
  void tableUsesTheContainsAlias() throws Exception {
    String text = new String(D4Cases.class.getResourceAsStream(D4Cases.RESOURCE).readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).containsPattern("(?m)^true\\s*\\|[^|]*\\|\\s*contains\\s*\\|");
  }

  private static Set<FilterOp> opsWhere(boolean expected) {
    return D4Cases.cases().stream()
        .filter(c -> c.expected() == expected)
        .map(c -> c.filter().op())
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(FilterOp.class)));
  }
}
