package io.syntrix.identity;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens already verified, by their exact text, so that a client's every request does not
 * pay for an RS256 signature check and a claims parse again (most of the cost of authenticating
 * a request). Only tokens that verified are kept, so invalid tokens cannot fill it; a token's
 * signature and claims never change, and what depends on time (expiry, not-before) is checked on
 * every hit by the caller. Bounded: cleared when it reaches {@link #MAX} tokens, which a server
 * with that many clients active at once pays for with one verification each.
 */
final class VerifiedTokens {
  static final int MAX = 4_096;

  private final ConcurrentHashMap<String, Principal> verified = new ConcurrentHashMap<>();

  /** The principal of a token that verified before, or null. */
  Principal get(String token) {
    return verified.get(token);
  }

  void put(String token, Principal principal) {
    if (verified.size() >= MAX) {
      verified.clear();
    }
    verified.put(token, principal);
  }
}
