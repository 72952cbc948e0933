package io.syntrix.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits, CORS and trusted proxies. */
class HardeningTest {
  @TempDir
  Path dir;

  @Test
  void rateLimitsAnswer429WithRetryAfterPerClient() {
    GatewayOptions options = GatewayOptions.defaults().withRateLimit(new GatewayOptions.RateLimit(true, 30, 3))
        .withTrustedProxies(List.of("127.0.0.1"));
    try (TestServer server = new TestServer(dir, Clock.systemUTC(), options)) {
      // signup in the constructor used one auth token of client 127.0.0.1
      int auth429 = 0;
      for (int i = 0; i < 4; i++) {
        var r = server.send("POST", "/auth/v1/login", "{\"username\":\"tester\",\"password\":\"wrong-Password1\"}", null, null);
        if (r.status() == 429) {
          auth429++;
          assertThat(r.errorCode()).isEqualTo("RATE_LIMITED");
          assertThat(Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 60);
        }
      }
      assertThat(auth429).as("3 auth calls per minute").isEqualTo(2);
      int general429 = 0;
      for (int i = 0; i < 40; i++) {
        if (server.get("/health").status() == 429) {
          general429++;
        }
      }
      assertThat(general429).isGreaterThanOrEqualTo(40 - 30);
      var proxied = sendFrom(server, "203.0.113.7");
      assertThat(proxied).as("another client behind the trusted proxy has its own bucket").isEqualTo(200);
    }
  }

  private static int sendFrom(TestServer server, String forwardedFor) {
    try {
      var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port + "/health"))
          .header("X-Forwarded-For", forwardedFor + ", 10.0.0.1").build();
      return server.http.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void corsEchoesAllowedOriginsAndAnswersPreflight() throws Exception {
    GatewayOptions options = GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off())
        .withAllowedOrigins(List.of("https://app.example"));
    try (TestServer server = new TestServer(dir, Clock.systemUTC(), options)) {
      var preflight = server.http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + server.port + "/api/v1/databases/default/query"))
          .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
          .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST").build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(preflight.statusCode()).isEqualTo(204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example");
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
      var foreign = server.http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + server.port + "/health")).header("Origin", "https://evil.example").build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }
}
