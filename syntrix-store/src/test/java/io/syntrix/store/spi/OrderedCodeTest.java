package io.syntrix.store.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.DoubleValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Byte order of encodings must equal the D4 order of values (scalars, arrays, maps), checked against {@link Values#compare}. */
class OrderedCodeTest {
  private static final long SEED = Long.getLong("seed", System.nanoTime());

  @Test
  void byteOrderEqualsValueOrderOnRandomAndEdgeValues() {
    Random random = new Random(SEED);
    List<Value> values = new ArrayList<>(edgeValues());
    for (int i = 0; i < 3000; i++) {
      values.add(randomValue(random, 0));
    }
    for (int i = 0; i < values.size(); i++) {
      for (int j = 0; j < 40; j++) {
        Value a = values.get(i);
        Value b = values.get(random.nextInt(values.size()));
        int expected = Integer.signum(Values.compare(a, b));
        int actual = Integer.signum(Arrays.compareUnsigned(OrderedCode.encode(a), OrderedCode.encode(b)));
        assertThat(actual).as("seed %d: %s vs %s", SEED, a, b).isEqualTo(expected);
      }
    }
  }

  @Test
  void decodingGivesAnEqualValueAndTheEncodedLength() {
    Random random = new Random(SEED);
    List<Value> values = new ArrayList<>(edgeValues());
    for (int i = 0; i < 2000; i++) {
      values.add(randomValue(random, 0));
    }
    for (Value v : values) {
      byte[] encoded = OrderedCode.encode(v);
      byte[] withSuffix = Arrays.copyOf(encoded, encoded.length + 3);
      int[] end = new int[1];
      Value decoded = OrderedCode.decode(withSuffix, 0, end);
      assertThat(Values.equal(decoded, v)).as("seed %d: %s decoded as %s", SEED, v, decoded).isTrue();
      assertThat(end[0]).isEqualTo(encoded.length);
    }
  }

  @Test
  void integersAndEqualDoublesShareOneEncoding() {
    assertThat(OrderedCode.encode(IntegerValue.of(1))).isEqualTo(OrderedCode.encode(new DoubleValue(1.0)));
    assertThat(OrderedCode.encode(new DoubleValue(-0.0))).isEqualTo(OrderedCode.encode(IntegerValue.of(0)));
    assertThat(OrderedCode.encode(IntegerValue.of((1L << 53) + 1)))
        .isNotEqualTo(OrderedCode.encode(new DoubleValue(0x1p53)));
  }

  private static List<Value> edgeValues() {
    List<Value> v = new ArrayList<>();
    v.add(NullValue.INSTANCE);
    v.add(BooleanValue.FALSE);
    v.add(BooleanValue.TRUE);
    for (long l : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
        (1L << 53), (1L << 53) + 1, -(1L << 53) - 1, (1L << 62) + 511, (1L << 62) + 513, Long.MAX_VALUE - 511}) {
      v.add(IntegerValue.of(l));
      v.add(new DoubleValue((double) l));
    }
    for (double d : new double[] {0.5, -0.5, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
        -Double.MAX_VALUE, 0x1p63, -0x1p63, 0x1p64, 1e-300, Math.nextUp(0x1p53)}) {
      v.add(new DoubleValue(d));
    }
    for (String s : new String[] {"", "a", "a\0", "a\0b", "ab", "b", "\u00e9", "\uffff", "\ud83d\ude00", "\0", "\0\0"}) {
      v.add(new StringValue(s));
    }
    return v;
  }

  private static Value randomScalar(Random r) {
    return switch (r.nextInt(7)) {
      case 0 -> NullValue.INSTANCE;
      case 1 -> BooleanValue.of(r.nextBoolean());
      case 2 -> IntegerValue.of(r.nextBoolean() ? r.nextInt(200) - 100 : r.nextLong());
      case 3 -> new DoubleValue(r.nextBoolean() ? (r.nextInt(400) - 200) / 4.0 : Double.longBitsToDouble(finiteBits(r)));
      case 4 -> IntegerValue.of((1L << (40 + r.nextInt(23))) + r.nextInt(2048) - 1024);
      case 5 -> new DoubleValue((double) ((1L << (40 + r.nextInt(23))) + r.nextInt(2048) - 1024));
      default -> new StringValue(randomString(r));
    };
  }

  /** Scalars mostly, and arrays and maps of them up to three levels deep. */
  private static Value randomValue(Random r, int depth) {
    int kind = depth >= 3 ? 0 : r.nextInt(10);
    if (kind == 8) {
      List<Value> elements = new ArrayList<>();
      for (int i = r.nextInt(4); i > 0; i--) {
        elements.add(randomValue(r, depth + 1));
      }
      return new ArrayValue(elements);
    }
    if (kind == 9) {
      MapValue.Builder m = MapValue.builder();
      for (int i = r.nextInt(4); i > 0; i--) {
        m.put(randomString(r), randomValue(r, depth + 1));
      }
      return m.build();
    }
    return randomScalar(r);
  }

  private static long finiteBits(Random r) {
    while (true) {
      long bits = r.nextLong();
      if (Double.isFinite(Double.longBitsToDouble(bits))) {
        return bits;
      }
    }
  }

  private static String randomString(Random r) {
    int[] alphabet = {0, 'a', 'b', 'z', 0x7F, 0xE9, 0x800, 0xFFFF, 0x1F600, 0x10FFFF};
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(5); i > 0; i--) {
      sb.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
    }
    return sb.toString();
  }
}
