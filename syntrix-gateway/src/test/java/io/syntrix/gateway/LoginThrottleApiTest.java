package io.syntrix.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.identity.IdentityServices;
import io.syntrix.identity.PasswordHasher;
import io.syntrix.store.SystemStore;
import io.syntrix.testkit.MovableClock;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login throttling and token purging over HTTP. Client addresses come from
 * {@code X-Forwarded-For}, believed because the test's own address is a trusted proxy.
 */
class LoginThrottleApiTest {
  private static final String PASSWORD = "Dave-Password-12";
  @TempDir
  Path dir;
  TestServer server;
  final MovableClock clock = new MovableClock();

  private void start() {
    server = new TestServer(dir, IdentityServices.Options.defaults(dir)
        .withAdminPassword(TestServer.ADMIN_PASSWORD).withHasher(new PasswordHasher(1024, 1, 1)).withClock(clock),
        clock, GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off())
            .withTrustedProxies(List.of("127.0.0.1")));
    server.signup("dave", PASSWORD);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> login(String user, String password, String from) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/auth/v1/login"))
        .header("Content-Type", "application/json").header("X-Forwarded-For", from)
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
        .build();
    try {
      return server.http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aGuesserLocksOnlyItsOwnAddressOutAndTheRealUserStillGetsIn() {
    start();
    assertThat(login("dave", PASSWORD, "192.168.1.5").statusCode()).as("the user's usual address").isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      assertThat(login("dave", "wrong-guess-" + i, "10.0.0.1").statusCode()).isEqualTo(401);
    }
    assertThat(login("dave", PASSWORD, "10.0.0.1").statusCode()).as("the guesser's address is locked out")
        .isEqualTo(401);
    HttpResponse<String> fresh = login("dave", PASSWORD, "172.16.0.9");
    assertThat(fresh.statusCode()).as("a new address waits out the account's backoff").isEqualTo(429);
    assertThat(fresh.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(fresh.body()).contains("RATE_LIMITED");
    assertThat(login("dave", PASSWORD, "192.168.1.5").statusCode()).as("the usual address is never held back")
        .isEqualTo(200);
    assertThat(login("dave", PASSWORD, "172.16.0.9").statusCode()).as("a login ended the backoff").isEqualTo(200);
    assertThat(login("dave", PASSWORD, "10.0.0.1").statusCode()).as("the lockout of 10.0.0.1 still runs")
        .isEqualTo(401);
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(login("dave", PASSWORD, "10.0.0.1").statusCode()).as("and ends after five minutes").isEqualTo(200);
  }

  /** Guesses spread over many addresses: after ten, one guess per (doubling) interval, the rest 429 unchecked. */
  @Test
  void guessesFromManyAddressesAreSlowedForRealAndUnknownNamesAlike() {
    start();
    for (String name : new String[] {"dave", "nobody-here"}) {
      int checked = 0;
      int refused = 0;
      for (int i = 0; i < 40; i++) {
        int status = login(name, "guess-" + i, "10.9." + (i / 200) + "." + (i % 200)).statusCode();
        checked += status == 401 ? 1 : 0;
        refused += status == 429 ? 1 : 0;
        clock.advance(Duration.ofMillis(500));
      }
      // 20 s of guessing: 10 free, then intervals of 1, 2, 4, 8 s.
      assertThat(checked).as(name).isBetween(12, 14);
      assertThat(refused).as(name).isEqualTo(40 - checked);
    }
  }

  @Test
  void expiredRefreshTokensAndFamiliesArePurged() {
    start();
    SystemStore system = server.store.system();
    var first = server.login("dave", PASSWORD);
    String refresh = ((io.syntrix.model.StringValue) first.get("refresh_token")).value();
    var rotated = server.send("POST", "/auth/v1/refresh", "{\"refresh_token\":\"" + refresh + "\"}", null, null);
    assertThat(rotated.status()).isEqualTo(200);
    var second = server.login("dave", PASSWORD);
    assertThat(server.send("POST", "/auth/v1/logout", "{\"refresh_token\":\""
        + ((io.syntrix.model.StringValue) second.get("refresh_token")).value() + "\"}", null, null).status())
        .isEqualTo(200);
    int refreshBefore = system.scan("refresh", null, 1000).size();
    assertThat(server.identity.auth().maintain()).as("the logged-out family goes at once").isEqualTo(1);

    clock.advance(Duration.ofDays(8));
    var live = server.login("dave", PASSWORD);
    assertThat(server.identity.auth().maintain()).as("every token record older than the refresh lifetime")
        .isEqualTo(refreshBefore + 3); // the refresh records and three families: tester's signup, dave's signup and login
    assertThat(system.scan("refresh", null, 1000)).hasSize(1);
    assertThat(system.scan("families", null, 1000)).hasSize(1);
    String liveRefresh = ((io.syntrix.model.StringValue) live.get("refresh_token")).value();
    assertThat(server.send("POST", "/auth/v1/refresh", "{\"refresh_token\":\"" + liveRefresh + "\"}", null, null)
        .status()).as("the live session still refreshes").isEqualTo(200);
    assertThat(server.send("POST", "/auth/v1/refresh", "{\"refresh_token\":\"" + refresh + "\"}", null, null)
        .status()).isEqualTo(401);
  }
}
