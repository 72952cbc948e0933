package io.syntrix.gateway;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client token buckets: {@code perMinute} tokens refilled continuously, one per request.
 * An empty bucket is a 429 {@code RATE_LIMITED} with {@code Retry-After} (seconds until a token).
 * Idle buckets are swept so memory stays bounded by the clients of the last few minutes.
 *
 * <p>Thread-safe: buckets are updated under their own monitor; event loops share the map.
 */
final class RateLimiter {
  private final String name;
  private final double perNano;
  private final double capacity;
  private final ClientAddress clients;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(String name, int perMinute, ClientAddress clients) {
    this.name = name;
    this.capacity = perMinute;
    this.perNano = perMinute / 60e9;
    this.clients = clients;
  }

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }
  }

  void handle(RoutingContext ctx) {
    long now = System.nanoTime();
    Bucket b = buckets.computeIfAbsent(clients.of(ctx), k -> new Bucket(capacity, now));
    long waitSeconds;
    synchronized (b) {
      b.tokens = Math.min(capacity, b.tokens + (now - b.updated) * perNano);
      b.updated = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        waitSeconds = 0;
      } else {
        waitSeconds = Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e9));
      }
    }
    if (waitSeconds == 0) {
      ctx.next();
      return;
    }
    ctx.put(ApiErrors.RETRY_AFTER, waitSeconds);
    ctx.fail(new SyntrixException(ErrorCode.RATE_LIMITED, "Too many " + name + " requests; retry in " + waitSeconds + " s"));
  }

  /** Drops buckets that have refilled completely (their clients went quiet). */
  void sweep() {
    long now = System.nanoTime();
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return e.getValue().tokens + (now - e.getValue().updated) * perNano >= capacity;
      }
    });
  }
}
