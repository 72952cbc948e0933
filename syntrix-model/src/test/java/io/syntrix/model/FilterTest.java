package io.syntrix.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading filters from their wire form; evaluation lives in the testkit's D4 conformance table. */
class FilterTest {
  @Test
  void readsFieldOpAndValue() {
    Filter f = parse("{\"field\":\"a.b\",\"op\":\">=\",\"value\":2.5}");
    assertThat(f.field()).isEqualTo("a.b");
    assertThat(f.op()).isEqualTo(FilterOp.GTE);
    assertThat(f.value()).isEqualTo(new DoubleValue(2.5));
  }

  @Test
  void readsEveryWireName() {
    assertThat(parse("{\"field\":\"a\",\"op\":\"==\",\"value\":1}").op()).isEqualTo(FilterOp.EQ);
    assertThat(parse("{\"field\":\"a\",\"op\":\"!=\",\"value\":1}").op()).isEqualTo(FilterOp.NE);
    assertThat(parse("{\"field\":\"a\",\"op\":\"<\",\"value\":1}").op()).isEqualTo(FilterOp.LT);
    assertThat(parse("{\"field\":\"a\",\"op\":\"<=\",\"value\":1}").op()).isEqualTo(FilterOp.LTE);
    assertThat(parse("{\"field\":\"a\",\"op\":\">\",\"value\":1}").op()).isEqualTo(FilterOp.GT);
    assertThat(parse("{\"field\":\"a\",\"op\":\">=\",\"value\":1}").op()).isEqualTo(FilterOp.GTE);
    assertThat(parse("{\"field\":\"a\",\"op\":\"in\",\"value\":[1]}").op()).isEqualTo(FilterOp.IN);
    assertThat(parse("{\"field\":\"a\",\"op\":\"not-in\",\"value\":[1]}").op()).isEqualTo(FilterOp.NOT_IN);
    assertThat(parse("{\"field\":\"a\",\"op\":\"array-contains\",\"value\":1}").op())
        .isEqualTo(FilterOp.ARRAY_CONTAINS);
    assertThat(parse("{\"field\":\"a\",\"op\":\"contains\",\"value\":1}").op()).isEqualTo(FilterOp.ARRAY_CONTAINS);
    assertThat(parse("{\"field\":\"a\",\"op\":\"array-contains-any\",\"value\":[1]}").op())
        .isEqualTo(FilterOp.ARRAY_CONTAINS_ANY);
  }

  @Test
  void nullIsAValue() {
    assertThat(parse("{\"field\":\"a\",\"op\":\"==\",\"value\":null}").value()).isEqualTo(NullValue.INSTANCE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"=", "eq", "===", "<>", "IN", "Contains", "array_contains", "nin", "like", "", " ==",
      "== "})
  void unknownOperatorIsRefused(String op) {
    assertBadRequest("{\"field\":\"a\",\"op\":\"" + op + "\",\"value\":1}");
    assertThatThrownBy(() -> FilterOp.parse(op)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void unknownOperatorMessageNamesIt() {
    assertThatThrownBy(() -> parse("{\"field\":\"a\",\"op\":\"like\",\"value\":1}"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'like'");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"field\":\"a\",\"op\":\"==\",\"value\":1,\"extra\":true}",
      "{\"field\":\"a\",\"operator\":\"==\",\"value\":1}",
      "{\"Field\":\"a\",\"op\":\"==\",\"value\":1}",
      "{\"field\":\"a\",\"op\":\"==\",\"values\":[1]}"})
  void unknownKeysAreRefused(String json) {
    assertBadRequest(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"op\":\"==\",\"value\":1}",
      "{\"field\":\"a\",\"value\":1}",
      "{\"field\":\"a\",\"op\":\"==\"}",
      "{\"field\":1,\"op\":\"==\",\"value\":1}",
      "{\"field\":null,\"op\":\"==\",\"value\":1}",
      "{\"field\":\"a\",\"op\":[\"==\"],\"value\":1}",
      "[\"a\",\"==\",1]",
      "\"a == 1\"",
      "null"})
  void missingOrMistypedPartsAreRefused(String json) {
    assertBadRequest(json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"in", "not-in", "array-contains-any"})
  void listOperatorsNeedANonEmptyList(String op) {
    assertBadRequest("{\"field\":\"a\",\"op\":\"" + op + "\",\"value\":[]}");
    assertBadRequest("{\"field\":\"a\",\"op\":\"" + op + "\",\"value\":1}");
    assertBadRequest("{\"field\":\"a\",\"op\":\"" + op + "\",\"value\":\"ab\"}");
    assertBadRequest("{\"field\":\"a\",\"op\":\"" + op + "\",\"value\":null}");
    assertBadRequest("{\"field\":\"a\",\"op\":\"" + op + "\",\"value\":{\"0\":1}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"in", "not-in", "array-contains-any"})
  void listOperatorsTakeAtMost30Values(String op) {
    Filter f = parse("{\"field\":\"a\",\"op\":\"" + op + "\",\"value\":" + list(30) + "}");
    assertThat(((ArrayValue) f.value()).elements()).hasSize(30);
    assertBadRequest("{\"field\":\"a\",\"op\":\"" + op + "\",\"value\":" + list(31) + "}");
  }

  @Test
  void singleValueOperatorsAcceptAListAsOneValue() {
    assertThat(parse("{\"field\":\"a\",\"op\":\"==\",\"value\":[]}").value()).isEqualTo(ArrayValue.EMPTY);
    assertThat(parse("{\"field\":\"a\",\"op\":\"contains\",\"value\":" + list(31) + "}").op())
        .isEqualTo(FilterOp.ARRAY_CONTAINS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "a.", ".a", "a..b", "a.b."})
  void emptyFieldOrEmptySegmentIsRefused(String field) {
    assertBadRequest("{\"field\":\"" + field + "\",\"op\":\"==\",\"value\":1}");
    assertThatThrownBy(() -> FieldPath.parse(field)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void listOfFilters() {
    assertThat(Filter.listFromValue(null)).isEmpty();
    assertThat(Filter.listFromValue(NullValue.INSTANCE)).isEmpty();
    assertThat(Filter.listFromValue(ArrayValue.EMPTY)).isEmpty();
    List<Filter> two = Filter.listFromValue(Json.parse(
        "[{\"field\":\"a\",\"op\":\"==\",\"value\":1},{\"field\":\"b\",\"op\":\"in\",\"value\":[\"x\"]}]"));
    assertThat(two).extracting(Filter::field).containsExactly("a", "b");
    assertThatThrownBy(() -> Filter.listFromValue(Json.parse("{\"field\":\"a\",\"op\":\"==\",\"value\":1}")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filter.listFromValue(Json.parse("[{\"field\":\"a\",\"op\":\"~\",\"value\":1}]")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void toValueRoundTripsWithTheCanonicalName() {
    Filter f = parse("{\"field\":\"tags\",\"op\":\"contains\",\"value\":\"x\"}");
    MapValue wire = f.toValue();
    assertThat(wire.get("op")).isEqualTo(new StringValue("array-contains"));
    assertThat(Filter.fromValue(wire)).isEqualTo(f);
  }

  @Test
  void predicateAndsItsFilters() {
    DocumentPredicate p = DocumentPredicate.compile(Filter.listFromValue(Json.parse(
        "[{\"field\":\"a\",\"op\":\">\",\"value\":1},{\"field\":\"b.c\",\"op\":\"==\",\"value\":\"x\"}]")));
    assertThat(p.test((MapValue) Json.parse("{\"a\":2,\"b\":{\"c\":\"x\"}}"))).isTrue();
    assertThat(p.test((MapValue) Json.parse("{\"a\":1,\"b\":{\"c\":\"x\"}}"))).isFalse();
    assertThat(p.test((MapValue) Json.parse("{\"a\":2,\"b\":{\"c\":\"y\"}}"))).isFalse();
    assertThat(p.test((MapValue) Json.parse("{\"a\":2}"))).isFalse();
    assertThat(DocumentPredicate.compile(List.of())).isSameAs(DocumentPredicate.ALWAYS);
    assertThat(DocumentPredicate.ALWAYS.test(MapValue.EMPTY)).isTrue();
  }

  private static Filter parse(String json) {
    return Filter.fromValue(Json.parse(json));
  }

  private static void assertBadRequest(String json) {
    assertThatThrownBy(() -> parse(json)).as(json)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  private static String list(int n) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 1; i <= n; i++) {
      b.append(i == 1 ? "" : ",").append(i);
    }
    return b.append(']').toString();
  }
}
