package io.syntrix.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The server-wide catch-up rate: pages wait in proportion to their bytes, idle time gives little credit. */
class CatchUpRateTest {
  private static final long MS = 1_000_000L;

  @Test
  void pagesSentFasterThanTheRateWaitForTheirBytesTime() {
    CatchUpRate rate = new CatchUpRate(1_000_000); // 1 MB/s: 1 ms per 1,000 bytes
    long now = 1_000 * MS;
    assertThat(rate.waitMillisAfter(50_000, now)).as("within the burst credit").isZero();
    assertThat(rate.waitMillisAfter(100_000, now)).as("100 ms of credit used up, 50 ms more owed").isEqualTo(50);
    assertThat(rate.waitMillisAfter(100_000, now)).as("shared: the next page waits behind the first")
        .isEqualTo(150);
    assertThat(rate.waitMillisAfter(1_000, now + 151 * MS)).as("after waiting, one more byte-time").isZero();
  }

  @Test
  void idleTimeBuildsAtMostTheBurstOfCredit() {
    CatchUpRate rate = new CatchUpRate(1_000_000);
    long now = 1_000 * MS;
    rate.waitMillisAfter(1_000, now);
    long later = now + 60_000 * MS;
    assertThat(rate.waitMillisAfter(100_000, later)).isZero();
    assertThat(rate.waitMillisAfter(100_000, later)).as("only 100 ms of credit after a minute idle").isEqualTo(100);
  }

  @Test
  void zeroMeansNoLimit() {
    CatchUpRate rate = new CatchUpRate(0);
    assertThat(rate.waitMillisAfter(Long.MAX_VALUE / 2, 0)).isZero();
  }
}
