package io.syntrix.rules;

import java.util.Objects;

/**
 * The outcome of one rule evaluation. The reason says which match block and condition allowed
 * the request, or why it was denied (no matching block, no allow for the action, every
 * condition false, or a condition that failed to evaluate). It is meant for logs and admin
 * tooling; a client only learns "access denied".
 */
public record Decision(boolean allowed, String reason) {
  public Decision {
    Objects.requireNonNull(reason, "reason");
  }

  static Decision allow(String reason) {
    return new Decision(true, reason);
  }

  static Decision deny(String reason) {
    return new Decision(false, reason);
  }
}
