package io.syntrix.streamer.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Canonical keys are equal exactly when values are D4-equal, and equal keys hash alike. */
class ValueKeysTest {
  @Test
  void keyEqualityIsD4Equality() {
    long seed = System.nanoTime();
    System.out.println("ValueKeysTest seed=" + seed);
    Random random = new Random(seed);
    List<Value> pool = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      pool.add(randomValue(random, 2));
    }
    for (Value a : pool) {
      for (Value b : pool) {
        boolean equal = Values.equal(a, b);
        Object ka = ValueKeys.of(a);
        Object kb = ValueKeys.of(b);
        assertThat(ka.equals(kb)).as("seed %d: %s vs %s", seed, a, b).isEqualTo(equal);
        if (equal) {
          assertThat(ka.hashCode()).as("seed %d: %s vs %s", seed, a, b).isEqualTo(kb.hashCode());
        }
      }
    }
  }

  @Test
  void edgeNumbers() {
    assertThat(ValueKeys.of(Value.of(-0.0))).isEqualTo(ValueKeys.of(Value.of(0)));
    assertThat(ValueKeys.of(Value.of(0x1p63))).isNotEqualTo(ValueKeys.of(Value.of(Long.MAX_VALUE)));
    assertThat(ValueKeys.of(Value.of(-0x1p63))).isEqualTo(ValueKeys.of(Value.of(Long.MIN_VALUE)));
    assertThat(ValueKeys.of(Value.of(0x1p53))).isNotEqualTo(ValueKeys.of(Value.of((1L << 53) + 1)));
    assertThat(ValueKeys.of(Value.of(1.5))).isNotEqualTo(ValueKeys.of(Value.of(1)));
    assertThat(ValueKeys.of(Value.of("1"))).isNotEqualTo(ValueKeys.of(Value.of(1)));
    assertThat(ValueKeys.of(Value.of(true))).isNotEqualTo(ValueKeys.of(Value.of("true")));
    assertThat(ValueKeys.of(Value.nullValue())).isNotEqualTo(ValueKeys.of(Value.of("null")));
  }

  static Value randomValue(Random r, int depth) {
    int kind = r.nextInt(depth > 0 ? 9 : 7);
    return switch (kind) {
      case 0 -> Value.nullValue();
      case 1 -> Value.of(r.nextBoolean());
      case 2 -> Value.of((long) r.nextInt(5) - 2);
      case 3 -> Value.of(r.nextInt(5) - 2 + (r.nextBoolean() ? 0.0 : 0.5));
      case 4 -> Value.of(r.nextBoolean() ? -0.0 : 0.0);
      case 5 -> Value.of(r.nextBoolean() ? (1L << 53) + r.nextInt(3) : Long.MIN_VALUE + r.nextInt(2));
      case 6 -> Value.of(List.of("a", "b", "1", "").get(r.nextInt(4)));
      case 7 -> {
        List<Value> elements = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
          elements.add(randomValue(r, depth - 1));
        }
        yield new ArrayValue(elements);
      }
      default -> {
        MapValue.Builder b = MapValue.builder();
        for (int i = r.nextInt(3); i > 0; i--) {
          b.put(List.of("x", "y", "z").get(r.nextInt(3)), randomValue(r, depth - 1));
        }
        yield b.build();
      }
    };
  }
}
