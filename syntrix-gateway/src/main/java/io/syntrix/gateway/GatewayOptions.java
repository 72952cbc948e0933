package io.syntrix.gateway;

import io.syntrix.query.SortLimits;
import java.util.List;

/**
 * Settings of the HTTP server.
 *
 * @param host                   interface to bind (default 0.0.0.0)
 * @param port                   port; 0 picks a free one (tests)
 * @param maxBodyBytes           largest request body in general (1 MiB)
 * @param maxPushBodyBytes       largest replication push and rules push body (10 MiB)
 * @param rateLimit              per-client request limits
 * @param allowedOrigins         browser origins allowed by CORS and the realtime origin check; empty allows any
 * @param trustedProxies         peer addresses whose {@code X-Forwarded-For} is believed
 * @param realtime               realtime flow control, catch-up and limits
 * @param responseDeadlineMillis most time a streamed response (query results, replication pull) may take from
 *                               the moment its worker starts; past it the response is cut off (60 s)
 * @param querySort              most a query may hold in memory to sort (10,000 documents, 64 MiB)
 */
public record GatewayOptions(String host, int port, long maxBodyBytes, long maxPushBodyBytes, RateLimit rateLimit,
                             List<String> allowedOrigins, List<String> trustedProxies,
                             io.syntrix.gateway.realtime.RealtimeOptions realtime, long responseDeadlineMillis,
                             SortLimits querySort) {
  /**
   * Token buckets per client IP: {@code perMinute} requests in general and {@code authPerMinute}
   * on signup, login and refresh (brute-force protection). Off for tests and benchmarks.
   */
  public record RateLimit(boolean enabled, int perMinute, int authPerMinute) {
    public static RateLimit defaults() {
      return new RateLimit(true, 600, 20);
    }

    public static RateLimit off() {
      return new RateLimit(false, 0, 0);
    }
  }

  public GatewayOptions {
    allowedOrigins = List.copyOf(allowedOrigins);
    trustedProxies = List.copyOf(trustedProxies);
    if (responseDeadlineMillis < 1) {
      throw new IllegalArgumentException("responseDeadlineMillis must be positive, not " + responseDeadlineMillis);
    }
  }

  public static GatewayOptions defaults() {
    return new GatewayOptions("0.0.0.0", 8080, 1L << 20, 10L << 20, RateLimit.defaults(), List.of(), List.of(),
        io.syntrix.gateway.realtime.RealtimeOptions.defaults(), 60_000, SortLimits.DEFAULTS);
  }

  public GatewayOptions withPort(int port) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes, rateLimit, allowedOrigins, trustedProxies,
        realtime, responseDeadlineMillis, querySort);
  }

  public GatewayOptions withHost(String host) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes, rateLimit, allowedOrigins, trustedProxies,
        realtime, responseDeadlineMillis, querySort);
  }

  public GatewayOptions withRateLimit(RateLimit rateLimit) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes, rateLimit, allowedOrigins, trustedProxies,
        realtime, responseDeadlineMillis, querySort);
  }

  public GatewayOptions withAllowedOrigins(List<String> origins) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes, rateLimit, origins, trustedProxies,
        realtime, responseDeadlineMillis, querySort);
  }

  public GatewayOptions withRealtime(io.syntrix.gateway.realtime.RealtimeOptions realtime) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes, rateLimit, allowedOrigins, trustedProxies,
        realtime, responseDeadlineMillis, querySort);
  }

  public GatewayOptions withTrustedProxies(List<String> proxies) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes, rateLimit, allowedOrigins, proxies,
        realtime, responseDeadlineMillis, querySort);
  }

  public GatewayOptions withResponseDeadlineMillis(long millis) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes, rateLimit, allowedOrigins, trustedProxies,
        realtime, millis, querySort);
  }

  public GatewayOptions withQuerySort(SortLimits limits) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes, rateLimit, allowedOrigins, trustedProxies,
        realtime, responseDeadlineMillis, limits);
  }
}
