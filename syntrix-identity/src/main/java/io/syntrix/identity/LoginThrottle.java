package io.syntrix.identity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing without letting a guesser lock the real user out.
 *
 * <p><b>Model.</b> Two counters of consecutive wrong passwords, both keyed by the name as typed
 * (lowercased), so an unknown name is throttled exactly like a real one and the answers reveal
 * nothing:
 * <ol>
 *   <li><b>Per account and source address.</b> {@value #MAX_FAILURES_PER_SOURCE} failures from one
 *       address lock that address out of that account for {@link #LOCKOUT} (the original's
 *       numbers). Every other address is unaffected.</li>
 *   <li><b>Per account, all addresses.</b> From the {@value #BACKOFF_AFTER}th failure on, a
 *       password is checked at most once per backoff interval, which doubles with each further
 *       failure from {@link #BACKOFF_BASE} up to {@link #BACKOFF_MAX}. A guesser spread over many
 *       addresses gets one guess per interval; the real user waits at most {@link #BACKOFF_MAX},
 *       and not at all from an address the account logged in from before (the last
 *       {@value #TRUSTED_ADDRESSES} are remembered), since those cannot be spoofed.</li>
 * </ol>
 * A successful login clears the account's counters. Counters older than {@link #IDLE} are
 * forgotten ({@link #sweep}).
 *
 * <p><b>Threads.</b> Any; each key's state changes atomically in its map. <b>Scope.</b> One
 * process and its lifetime: a restart forgets the counters (a lockout is a brake, not a record).
 */
final class LoginThrottle {
  static final int MAX_FAILURES_PER_SOURCE = 10;
  static final Duration LOCKOUT = Duration.ofMinutes(5);
  static final int BACKOFF_AFTER = 10;
  static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
  static final Duration BACKOFF_MAX = Duration.ofSeconds(30);
  static final int TRUSTED_ADDRESSES = 5;
  static final Duration IDLE = Duration.ofMinutes(15);

  /** What to do with a login attempt before its password is checked. */
  sealed interface Verdict {}

  record Allow() implements Verdict {}

  /** This address is locked out of this account. */
  record Locked() implements Verdict {}

  /** The account is backing off; retry after this many seconds (from any address). */
  record BackOff(long retryAfterSeconds) implements Verdict {}

  private record Source(String account, String address) {}

  private record SourceState(int failures, long lockedUntil, long lastFailure) {}

  /** {@code trusted}: addresses of the latest successful logins, oldest first. */
  private record AccountState(int failures, long lastFailure, List<String> trusted) {}

  private final Map<Source, SourceState> sources = new ConcurrentHashMap<>();
  private final Map<String, AccountState> accounts = new ConcurrentHashMap<>();

  Verdict admit(String account, String address, long now) {
    SourceState s = sources.get(new Source(account, address));
    if (s != null && s.lockedUntil() > now) {
      return new Locked();
    }
    AccountState a = accounts.get(account);
    if (a == null || a.failures() < BACKOFF_AFTER || a.trusted().contains(address)) {
      return new Allow();
    }
    long wait = a.lastFailure() + backoff(a.failures()) - now;
    return wait <= 0 ? new Allow() : new BackOff(Math.max(1, (wait + 999) / 1000));
  }

  /** The interval after {@code failures} account-wide failures (only from {@link #BACKOFF_AFTER} on). */
  static long backoff(int failures) {
    int doublings = Math.min(failures - BACKOFF_AFTER, 20);
    return Math.min(BACKOFF_MAX.toMillis(), BACKOFF_BASE.toMillis() << doublings);
  }

  void failed(String account, String address, long now) {
    sources.compute(new Source(account, address), (k, s) -> {
      int failures = (s == null ? 0 : s.failures()) + 1;
      return failures >= MAX_FAILURES_PER_SOURCE
          ? new SourceState(0, now + LOCKOUT.toMillis(), now) // the count restarts after the lockout
          : new SourceState(failures, s == null ? 0 : s.lockedUntil(), now);
    });
    accounts.compute(account, (k, a) -> a == null
        ? new AccountState(1, now, List.of())
        : new AccountState(a.failures() + 1, now, a.trusted()));
  }

  void succeeded(String account, String address) {
    sources.remove(new Source(account, address));
    accounts.compute(account, (k, a) -> {
      List<String> trusted = new ArrayList<>(a == null ? List.of() : a.trusted());
      trusted.remove(address);
      trusted.add(address);
      while (trusted.size() > TRUSTED_ADDRESSES) {
        trusted.removeFirst();
      }
      return new AccountState(0, 0, List.copyOf(trusted));
    });
  }

  /**
   * Forgets failures idle for {@link #IDLE} with no lockout running, so the maps hold only recent
   * guessing (the gateway's rate limit bounds how fast one address adds to them) plus a few
   * trusted addresses per account that logged in.
   */
  void sweep(long now) {
    long cutoff = now - IDLE.toMillis();
    sources.entrySet().removeIf(e -> e.getValue().lastFailure() < cutoff && e.getValue().lockedUntil() <= now);
    for (String account : accounts.keySet()) {
      accounts.computeIfPresent(account, (k, a) -> a.failures() == 0 || a.lastFailure() >= cutoff ? a
          : a.trusted().isEmpty() ? null : new AccountState(0, 0, a.trusted()));
    }
  }
}
