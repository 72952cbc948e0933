package io.syntrix.gateway.realtime;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open realtime connections (WebSocket and SSE) and the limits on them: per client address,
 * claimed before the upgrade, and per user, claimed when the connection authenticates. Every
 * claim is given back when the connection is released, whatever ended it.
 *
 * <p><b>Threads.</b> Any thread; per key the count is changed atomically with {@code compute}.
 */
final class ConnectionRegistry {
  private final int maxPerIp;
  private final int maxPerUser;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> perIp = new ConcurrentHashMap<>();
  private final Map<String, Integer> perUser = new ConcurrentHashMap<>();

  ConnectionRegistry(int maxPerIp, int maxPerUser) {
    this.maxPerIp = maxPerIp;
    this.maxPerUser = maxPerUser;
  }

  /** Claims a connection slot for {@code ip}; false when the address is at its limit. */
  boolean claimIp(String ip) {
    return claim(perIp, ip, maxPerIp);
  }

  void releaseIp(String ip) {
    release(perIp, ip);
  }

  boolean claimUser(String userId) {
    return claim(perUser, userId, maxPerUser);
  }

  void releaseUser(String userId) {
    release(perUser, userId);
  }

  void add(Connection connection) {
    open.add(connection);
  }

  void remove(Connection connection) {
    open.remove(connection);
  }

  Set<Connection> open() {
    return open;
  }

  int size() {
    return open.size();
  }

  /** Keys with a live claim (for tests: every claim comes back). */
  int claimedKeys() {
    return perIp.size() + perUser.size();
  }

  private static boolean claim(Map<String, Integer> counts, String key, int max) {
    boolean[] ok = {false};
    counts.compute(key, (k, n) -> {
      int current = n == null ? 0 : n;
      if (max > 0 && current >= max) {
        return n;
      }
      ok[0] = true;
      return current + 1;
    });
    return ok[0];
  }

  private static void release(Map<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
