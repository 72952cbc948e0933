package io.syntrix.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void roundTripKeepsIntegersAndDoublesApart() {
    String text = "{\"i\":1,\"d\":1.0,\"neg\":-0.0,\"big\":9223372036854775807,\"min\":-9223372036854775808,"
        + "\"e\":1.0E20,\"s\":\"x\",\"b\":true,\"n\":null,\"a\":[1,2.5,[]],\"m\":{}}";
    MapValue v = (MapValue) Json.parse(text);
    assertThat(v.get("i")).isEqualTo(IntegerValue.of(1));
    assertThat(v.get("d")).isEqualTo(new DoubleValue(1.0));
    assertThat(v.get("neg")).isEqualTo(new DoubleValue(-0.0));
    assertThat(v.get("big")).isEqualTo(IntegerValue.of(Long.MAX_VALUE));
    assertThat(v.get("min")).isEqualTo(IntegerValue.of(Long.MIN_VALUE));
    assertThat(v.get("e")).isEqualTo(new DoubleValue(1e20));
    assertThat(Json.toString(v)).isEqualTo(text);
    assertThat(Json.parse(Json.toBytes(v))).isEqualTo(v);
  }

  @Test
  void exponentAndFractionMakeADouble() {
    assertThat(Json.parse("1e2")).isEqualTo(new DoubleValue(100.0));
    assertThat(Json.parse("100")).isEqualTo(IntegerValue.of(100));
    assertThat(Json.parse("-0")).isEqualTo(IntegerValue.of(0));
    assertThat(Json.toString(Json.parse("1.0"))).isEqualTo("1.0");
  }

  @Test
  void keepsKeyOrderForOutput() {
    assertThat(Json.toString(Json.parse("{\"z\":1,\"a\":2,\"m\":3}"))).isEqualTo("{\"z\":1,\"a\":2,\"m\":3}");
  }

  @Test
  void supplementaryCharactersRoundTrip() {
    Value v = Json.parse("{\"😀\":\"\\ud83d\\ude00 𝄞\"}");
    assertThat(((MapValue) v).get("😀")).isEqualTo(new StringValue("😀 𝄞"));
    assertThat(Json.parse(Json.toBytes(v))).isEqualTo(v);
  }

  @Test
  void supplementaryCharactersAreWrittenAsUtf8() {
    // Four bytes, as the client sent them, not a twelve-byte pair of escapes: the 1 MiB document
    // limit is measured on this encoding.
    byte[] out = Json.toBytes(new StringValue("😀"));
    assertThat(out).isEqualTo("\"😀\"".getBytes(StandardCharsets.UTF_8));
    assertThat(Json.encodedLength(new StringValue("😀"))).isEqualTo(6);
  }

  @Test
  void loneSurrogatesRoundTripEscaped() {
    for (String text : new String[] {"\"a\\ud800b\"", "\"a\\udc00\"", "\"\\ud800\"", "[\"\\udbff\"]"}) {
      Value v = Json.parse(text);
      assertThat(Json.parse(Json.toBytes(v))).as(text).isEqualTo(v);
    }
    assertThat(Json.toString(new StringValue("a\ud800"))).isEqualTo("\"a\\uD800\"");
  }

  @Test
  void encodedLengthIsTheCompactUtf8Size() {
    Value v = Json.parse("{\"a\": [1, 2.5, \"é\"], \"b\": null}");
    assertThat(Json.encodedLength(v)).isEqualTo(Json.toBytes(v).length).isEqualTo(27);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":1,\"b\":{\"c\":1,\"c\":1}}", "[{\"x\":null,\"x\":null}]"})
  void rejectsDuplicateKeys(String text) {
    assertInvalid(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "[1, 100000000000000000000]",
      "{\"a\": 18446744073709551616}"})
  void rejectsIntegersBeyondInt64(String text) {
    assertInvalid(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "-1e400"})
  void rejectsNumbersThatOverflowADouble(String text) {
    assertInvalid(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{} {}", "{} x", "1 2", "[1]]", "{}}", "null null", "\"a\" \"b\""})
  void rejectsTrailingContent(String text) {
    assertInvalid(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\n\t "})
  void rejectsAnEmptyBody(String text) {
    assertInvalid(text);
    assertThatThrownBy(() -> Json.parse(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void acceptsTwentyNestedContainersCountingTheRoot() {
    assertThat(Json.parse(nestedArrays(20))).isInstanceOf(ArrayValue.class);
    assertThat(Json.parse(nestedMaps(20))).isInstanceOf(MapValue.class);
    assertThat(Json.parse("[" + nestedMaps(19) + "]")).isInstanceOf(ArrayValue.class);
  }

  @Test
  void rejectsMoreThanTwentyNestedContainers() {
    assertInvalid(nestedArrays(21));
    assertInvalid(nestedMaps(21));
    assertInvalid("{\"a\":" + nestedArrays(20) + "}");
    assertInvalid(nestedArrays(5000));
  }

  @Test
  void scalarsDoNotCountAsNesting() {
    assertThat(Json.parse(nestedMaps(19).replace("{}", "{\"x\":1}"))).isInstanceOf(MapValue.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "[", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "{a:1}", "{'a':1}",
      "\"abc", "tru", "nul", "NaN", "Infinity", "-Infinity", "01", "+1", ".5", "1.", "0x10", "[1 2]",
      "{\"a\":1 \"b\":2}", "// comment\n1", "/* c */ 1", "\"\\x\"", "\"tab\there\"", "undefined"})
  void rejectsMalformedText(String text) {
    assertInvalid(text);
  }

  @Test
  void rejectsInvalidUtf8() {
    assertThatThrownBy(() -> Json.parse(new byte[] {'"', (byte) 0xff, '"'}))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Json.parse(new byte[] {'"', (byte) 0xc3, '"'}))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void parseObjectRefusesOtherRoots() {
    assertThat(Json.parseObject("{\"a\":1}".getBytes(StandardCharsets.UTF_8)).get("a")).isEqualTo(IntegerValue.of(1));
    assertThatThrownBy(() -> Json.parseObject("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Json.parseObject("null".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void errorsAreBadRequests() {
    assertThatThrownBy(() -> Json.parse("{"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  private static void assertInvalid(String text) {
    assertThatThrownBy(() -> Json.parse(text)).as(text).isInstanceOf(InvalidInputException.class);
  }

  private static String nestedArrays(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private static String nestedMaps(int depth) {
    return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }
}
