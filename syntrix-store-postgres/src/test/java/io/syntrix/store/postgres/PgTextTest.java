package io.syntrix.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The escape of U+0000 for text columns: it round-trips and keeps UTF-8 byte order, on seeded random strings. */
class PgTextTest {
  private static final char[] ALPHABET = {'\u0000', '\u0001', '\u0002', 'a', '\u00e9', '\uffff'};

  @Test
  void escapingRoundTripsAndKeepsUtf8ByteOrder() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      String a = random(random);
      String b = random(random);
      String ea = PgText.escape(a);
      assertThat(ea).as("seed %d", seed).doesNotContain("\u0000");
      assertThat(PgText.unescape(ea)).as("seed %d", seed).isEqualTo(a);
      assertThat(Integer.signum(compareUtf8(ea, PgText.escape(b)))).as("seed %d: %s vs %s", seed, a, b)
          .isEqualTo(Integer.signum(compareUtf8(a, b)));
    }
    assertThat(PgText.escape("plain")).isSameAs(PgText.escape("plain")).isEqualTo("plain");
  }

  private static String random(Random random) {
    char[] c = new char[random.nextInt(5)];
    for (int i = 0; i < c.length; i++) {
      c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }

  private static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
