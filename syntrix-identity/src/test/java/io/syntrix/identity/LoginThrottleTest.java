package io.syntrix.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final LoginThrottle throttle = new LoginThrottle();

  private void fail(String address, int times, long now) {
    for (int i = 0; i < times; i++) {
      throttle.failed("dave", address, now);
    }
  }

  @Test
  void tenFailuresLockOnlyThatAddressForFiveMinutes() {
    fail("10.0.0.1", 10, 0);
    assertThat(throttle.admit("dave", "10.0.0.1", 1)).isInstanceOf(LoginThrottle.Locked.class);
    assertThat(throttle.admit("dave", "10.0.0.1", LoginThrottle.LOCKOUT.toMillis() + 1))
        .isInstanceOf(LoginThrottle.Allow.class);
    assertThat(throttle.admit("dave", "10.0.0.2", 1)).as("another address is never locked")
        .isNotInstanceOf(LoginThrottle.Locked.class);
    assertThat(throttle.admit("erin", "10.0.0.1", 1)).isInstanceOf(LoginThrottle.Allow.class);
  }

  @Test
  void accountWideBackoffDoublesUpToItsCapAndSparesTrustedAddresses() {
    throttle.succeeded("dave", "192.168.1.5");
    for (int i = 0; i < 9; i++) {
      throttle.failed("dave", "10.1.0." + i, 0); // one guess per address: no address lockout
    }
    assertThat(throttle.admit("dave", "10.2.0.1", 0)).isInstanceOf(LoginThrottle.Allow.class);
    throttle.failed("dave", "10.1.0.9", 0);
    assertThat(throttle.admit("dave", "10.2.0.1", 0)).isEqualTo(new LoginThrottle.BackOff(1));
    assertThat(throttle.admit("dave", "10.2.0.1", 1000)).isInstanceOf(LoginThrottle.Allow.class);
    assertThat(throttle.admit("dave", "192.168.1.5", 0)).as("the address the user logged in from")
        .isInstanceOf(LoginThrottle.Allow.class);
    fail("10.3.0.1", 3, 0);
    assertThat(throttle.admit("dave", "10.2.0.1", 0)).isEqualTo(new LoginThrottle.BackOff(8));
    fail("10.3.0.2", 9, 0);
    assertThat(throttle.admit("dave", "10.2.0.1", 0)).isEqualTo(new LoginThrottle.BackOff(30));
    throttle.succeeded("dave", "192.168.1.5");
    assertThat(throttle.admit("dave", "10.2.0.1", 0)).as("a login clears the backoff")
        .isInstanceOf(LoginThrottle.Allow.class);
  }

  @Test
  void sweepForgetsIdleFailuresButNotRunningLockouts() {
    fail("10.0.0.1", 10, 0);
    fail("10.0.0.2", 3, 0);
    long later = LoginThrottle.IDLE.toMillis() + 1;
    throttle.sweep(later);
    fail("10.0.0.2", 7, later);
    assertThat(throttle.admit("dave", "10.0.0.2", later)).as("the 3 old failures were forgotten")
        .isNotInstanceOf(LoginThrottle.Locked.class);
  }
}
