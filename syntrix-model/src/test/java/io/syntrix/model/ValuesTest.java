package io.syntrix.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The D4 total order and equality, written as expected orderings rather than computed ones. */
class ValuesTest {
  /** Strictly ascending; each entry is a distinct value under D4 equality. */
  private static final List<Value> ASCENDING = List.of(
      Value.nullValue(),
      Value.of(false),
      Value.of(true),
      Value.of(-0x1p64),
      Value.of(Long.MIN_VALUE),
      Value.of(Long.MIN_VALUE + 1),
      Value.of(-2.5),
      Value.of(-2),
      Value.of(0),
      Value.of(5e-324),
      Value.of(1),
      Value.of(1.5),
      Value.of(2),
      Value.of(9007199254740992L),
      Value.of(9007199254740993L),
      Value.of(9223372036854774784.0),
      Value.of(9223372036854774785L),
      Value.of(Long.MAX_VALUE),
      Value.of(0x1p63),
      Value.of(1e300),
      Value.of(""),
      Value.of("A"),
      Value.of("B"),
      Value.of("a"),
      Value.of("ab"),
      Value.of("b"),
      Value.of("é"),
      Value.of("\uFFFF"),
      Value.of("😀"),
      Value.of("😀a"),
      Value.of("😁"),
      ArrayValue.EMPTY,
      ArrayValue.of(Value.nullValue()),
      ArrayValue.of(Value.of(1)),
      ArrayValue.of(Value.of(1), Value.of(2)),
      ArrayValue.of(Value.of(1), Value.of(3)),
      ArrayValue.of(Value.of(2)),
      ArrayValue.of(Value.of("a")),
      ArrayValue.of(ArrayValue.EMPTY),
      MapValue.EMPTY,
      map("a", Value.of(1)),
      map("a", Value.of(1), "b", Value.of(0)),
      map("a", Value.of(2)),
      map("a", Value.of("x")),
      map("b", Value.of(0)));

  @Test
  void everyPairFollowsTheListedOrder() {
    for (int i = 0; i < ASCENDING.size(); i++) {
      for (int j = 0; j < ASCENDING.size(); j++) {
        Value a = ASCENDING.get(i);
        Value b = ASCENDING.get(j);
        assertThat(Integer.signum(Values.compare(a, b))).as("compare(%s, %s)", a, b)
            .isEqualTo(Integer.compare(i, j));
        assertThat(Values.equal(a, b)).as("equal(%s, %s)", a, b).isEqualTo(i == j);
      }
    }
  }

  @Test
  void sortingShuffledValuesRestoresTheOrder() {
    List<Value> shuffled = new ArrayList<>(ASCENDING);
    Collections.shuffle(shuffled, new java.util.Random(42));
    shuffled.sort(Values::compare);
    assertThat(shuffled).containsExactlyElementsOf(ASCENDING);
  }

  @Test
  void typeClassesOrderNullBooleanNumberStringArrayMap() {
    assertThat(Values.compare(Value.nullValue(), Value.of(false))).isNegative();
    assertThat(Values.compare(Value.of(true), Value.of(Long.MIN_VALUE))).isNegative();
    assertThat(Values.compare(Value.of(1e300), Value.of(""))).isNegative();
    assertThat(Values.compare(Value.of("\uFFFF\uFFFF"), ArrayValue.EMPTY)).isNegative();
    assertThat(Values.compare(ArrayValue.of(map("z", Value.of(1))), MapValue.EMPTY)).isNegative();
  }

  @Test
  void integersAndDoublesAreEqualByValue() {
    assertThat(Values.equal(Value.of(1), Value.of(1.0))).isTrue();
    assertThat(Values.equal(Value.of(1.0), Value.of(1))).isTrue();
    assertThat(Values.compare(Value.of(1.0), Value.of(1))).isZero();
    assertThat(Values.equal(Value.of(0), Value.of(-0.0))).isTrue();
    assertThat(Values.equal(Value.of(-0.0), Value.of(0.0))).isTrue();
    assertThat(Values.compare(Value.of(-0.0), Value.of(0.0))).isZero();
    assertThat(Values.equal(Value.of(1), Value.of(1.0000000000000002))).isFalse();
  }

  @Test
  void longsNearTwoToTheSixtyThreeAreNotRounded() {
    // (double) Long.MAX_VALUE == 0x1p63, so a comparison through double would call them equal.
    assertThat(Values.compare(Value.of(Long.MAX_VALUE), Value.of(0x1p63))).isNegative();
    assertThat(Values.compare(Value.of(0x1p63), Value.of(Long.MAX_VALUE))).isPositive();
    assertThat(Values.equal(Value.of(Long.MAX_VALUE), Value.of(0x1p63))).isFalse();
    assertThat(Values.equal(Value.of(Long.MIN_VALUE), Value.of(-0x1p63))).isTrue();
    assertThat(Values.compare(Value.of(Long.MIN_VALUE), Value.of(-0x1p63 - 2048))).isPositive();
    assertThat(Values.compare(Value.of(Long.MIN_VALUE + 1), Value.of(-0x1p63))).isPositive();
  }

  @Test
  void longsAboveTwoToTheFiftyThreeAreNotRounded() {
    assertThat(Values.equal(Value.of(9007199254740992L), Value.of(0x1p53))).isTrue();
    assertThat(Values.compare(Value.of(9007199254740993L), Value.of(0x1p53))).isPositive();
    assertThat(Values.compare(Value.of(0x1p53), Value.of(9007199254740993L))).isNegative();
    assertThat(Values.compare(Value.of(-9007199254740993L), Value.of(-0x1p53))).isNegative();
  }

  @Test
  void fractionsBreakTiesBetweenLongAndDouble() {
    assertThat(Values.compare(Value.of(2), Value.of(2.5))).isNegative();
    assertThat(Values.compare(Value.of(3), Value.of(2.5))).isPositive();
    assertThat(Values.compare(Value.of(-2), Value.of(-2.5))).isPositive();
    assertThat(Values.compare(Value.of(-3), Value.of(-2.5))).isNegative();
    assertThat(Values.compare(Value.of(0), Value.of(-5e-324))).isPositive();
  }

  @Test
  void stringsCompareByCodePointNotUtf16Unit() {
    // U+FFFF < U+1F600, although String.compareTo sees the surrogate 0xD83D first and says otherwise.
    assertThat("\uFFFF".compareTo("😀")).isPositive();
    assertThat(Values.compareStrings("\uFFFF", "😀")).isNegative();
    assertThat(Values.compareStrings("\uE000", "😀")).isNegative();
    assertThat(Values.compareStrings("ﬁ", "𝄞")).isNegative();
    assertThat(Values.compareStrings("😀", "😁")).isNegative();
    assertThat(Values.compareStrings("a😀", "a\uFFFF")).isPositive();
    assertThat(Values.compareStrings("Z", "a")).isNegative();
    assertThat(Values.compareStrings("z", "ä")).isNegative();
    assertThat(Values.compareStrings("ab", "a")).isPositive();
    assertThat(Values.compareStrings("", "")).isZero();
  }

  @Test
  void stringOrderMatchesUtf8ByteOrder() {
    List<String> samples = List.of("", "a", "z", "é", "\u07FF", "\u0800", "中", "\uD7FF", "\uE000", "\uFFFF",
        "😀", "𝄞", "\uDBFF\uDFFF", "a😀", "a\uFFFF");
    for (String a : samples) {
      for (String b : samples) {
        assertThat(Integer.signum(Values.compareStrings(a, b))).as("%s vs %s", a, b)
            .isEqualTo(Integer.signum(java.util.Arrays.compareUnsigned(utf8(a), utf8(b))));
      }
    }
  }

  @Test
  void arraysAreEqualElementByElement() {
    assertThat(Values.equal(ArrayValue.of(Value.of(1), Value.of(2)), ArrayValue.of(Value.of(1.0), Value.of(2.0))))
        .isTrue();
    assertThat(Values.equal(ArrayValue.of(Value.of(1), Value.of(2)), ArrayValue.of(Value.of(2), Value.of(1))))
        .isFalse();
    assertThat(Values.equal(ArrayValue.of(Value.of(1)), ArrayValue.of(Value.of(1), Value.of(1)))).isFalse();
    assertThat(Values.equal(ArrayValue.of(Value.of(1)), Value.of(1))).isFalse();
    assertThat(Values.equal(ArrayValue.of(map("k", Value.of(1))), ArrayValue.of(map("k", Value.of(1.0))))).isTrue();
  }

  @Test
  void mapsAreEqualRegardlessOfKeyOrder() {
    MapValue xy = map("x", Value.of(1), "y", Value.of(2));
    MapValue yx = map("y", Value.of(2.0), "x", Value.of(1));
    assertThat(Values.equal(xy, yx)).isTrue();
    assertThat(Values.compare(xy, yx)).isZero();
    assertThat(Values.equal(xy, map("x", Value.of(1)))).isFalse();
    assertThat(Values.equal(map("x", Value.of(1)), xy)).isFalse();
    assertThat(Values.equal(map("x", Value.nullValue()), MapValue.EMPTY)).isFalse();
    assertThat(Values.equal(map("x", Value.of(1)), map("y", Value.of(1)))).isFalse();
  }

  @Test
  void mapsOrderBySortedKeysThenValues() {
    // Key order of insertion is ignored: {b:0, a:9} starts with key "a", so it is below {b:0}.
    assertThat(Values.compare(map("b", Value.of(0), "a", Value.of(9)), map("b", Value.of(0)))).isNegative();
    assertThat(Values.compare(map("a", Value.of(1)), map("a", Value.of(2)))).isNegative();
    assertThat(Values.compare(map("a", Value.of(1), "b", Value.of(0)), map("a", Value.of(1)))).isPositive();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static MapValue map(Object... keysAndValues) {
    Map<String, Value> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], (Value) keysAndValues[i + 1]);
    }
    return MapValue.of(m);
  }
}
