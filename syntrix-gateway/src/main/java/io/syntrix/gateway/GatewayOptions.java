package io.syntrix.gateway;

/**
 * Settings of the HTTP server.
 *
 * @param host            interface to bind (default 0.0.0.0)
 * @param port            port; 0 picks a free one (tests)
 * @param maxBodyBytes    largest request body in general (1 MiB)
 * @param maxPushBodyBytes largest replication push body (10 MiB)
 */
public record GatewayOptions(String host, int port, long maxBodyBytes, long maxPushBodyBytes) {
  public static GatewayOptions defaults() {
    return new GatewayOptions("0.0.0.0", 8080, 1L << 20, 10L << 20);
  }

  public GatewayOptions withPort(int port) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes);
  }

  public GatewayOptions withHost(String host) {
    return new GatewayOptions(host, port, maxBodyBytes, maxPushBodyBytes);
  }
}
