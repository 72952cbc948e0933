package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.identity.IdentityServices;
import io.syntrix.identity.PasswordHasher;
import io.syntrix.model.ArrayValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole auth lifecycle over HTTP, lockout, and tampered tokens (reference §2, D9). */
class AuthApiTest {
  @TempDir
  Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TestServer.Reply auth(String path, String body) {
    return server.send("POST", "/auth/v1/" + path, body, null, null);
  }

  private static String creds(String user, String password) {
    return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
  }

  private TestServer.Reply readWith(String token) {
    return server.send("GET", docs("default", "c/x"), null, null, token);
  }

  @Test
  void signupLoginRefreshRotationReuseDetectionAndLogout() {
    var signup = auth("signup", creds("Alice", "Alice-Password-1"));
    assertThat(signup.status()).isEqualTo(200);
    assertThat(signup.object().get("expires_in")).isEqualTo(IntegerValue.of(900));
    assertThat(readWith(signup.string("access_token")).status()).as("signed in: the document is just missing").isEqualTo(404);

    var login = auth("login", creds("alice", "Alice-Password-1"));
    assertThat(login.status()).as("usernames are case-insensitive").isEqualTo(200);
    String refresh1 = login.string("refresh_token");
    var rotated = auth("refresh", "{\"refresh_token\":\"" + refresh1 + "\"}");
    assertThat(rotated.status()).isEqualTo(200);
    String refresh2 = rotated.string("refresh_token");
    String access2 = rotated.string("access_token");
    assertThat(refresh2).isNotEqualTo(refresh1);
    assertThat(readWith(access2).status()).isEqualTo(404);

    var reuse = auth("refresh", "{\"refresh_token\":\"" + refresh1 + "\"}");
    assertThat(reuse.status()).as("a used refresh token is refused").isEqualTo(401);
    assertThat(reuse.string("message")).contains("unauthorized");
    assertThat(auth("refresh", "{\"refresh_token\":\"" + refresh2 + "\"}").status())
        .as("reuse revoked the whole family, including the newest token").isEqualTo(401);
    assertThat(readWith(access2).status()).as("and its access tokens").isEqualTo(401);

    var again = auth("login", creds("alice", "Alice-Password-1"));
    String refresh3 = again.string("refresh_token");
    assertThat(auth("logout", "{\"refresh_token\":\"" + refresh3 + "\"}").status()).isEqualTo(200);
    assertThat(auth("refresh", "{\"refresh_token\":\"" + refresh3 + "\"}").status()).isEqualTo(401);
    assertThat(readWith(again.string("access_token")).status()).as("logout ends the session").isEqualTo(401);
    assertThat(readWith(signup.string("access_token")).status()).as("other sessions live on").isEqualTo(404);
  }

  @Test
  void signupValidatesAndDoesNotRevealDuplicates() {
    var weak = auth("signup", creds("bob", "short"));
    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.string("message")).isEqualTo("Validation failed");
    assertThat(((ArrayValue) weak.object().get("errors")).elements()).isNotEmpty()
        .allSatisfy(e -> assertThat(((MapValue) e).get("field")).isEqualTo(new StringValue("password")));
    var shortName = auth("signup", creds("bo", "Bob-Password-123"));
    assertThat(shortName.status()).isEqualTo(400);
    assertThat(shortName.body()).contains("\"field\":\"username\"").contains("at least 3");
    assertThat(auth("signup", creds("bob", "Bob-Password-123")).status()).isEqualTo(200);
    var dup = auth("signup", creds("BOB", "Bob-Password-123"));
    assertThat(dup.status()).isEqualTo(400);
    assertThat(dup.string("message")).isEqualTo("Signup failed");
    assertThat(auth("signup", "{\"username\":\"x\"").status()).isEqualTo(400);
    assertThat(auth("signup", "{\"username\":\"carol\",\"password\":\"Carol-Password-1\",\"admin\":true}").status())
        .isEqualTo(400);
  }

  @Test
  void loginFailuresAreGenericAndTenLockThatAddressOut() {
    auth("signup", creds("dave", "Dave-Password-12"));
    var unknown = auth("login", creds("nobody", "Whatever-123!"));
    var wrong = auth("login", creds("dave", "Wrong-Password-1"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.body()).isEqualTo(wrong.body());
    for (int i = 1; i < 10; i++) {
      auth("login", creds("dave", "Wrong-Password-1"));
    }
    var locked = auth("login", creds("dave", "Dave-Password-12"));
    assertThat(locked.status()).as("the right password does not help from a locked-out address").isEqualTo(401);
    assertThat(locked.body()).isEqualTo(wrong.body());
    var user = server.identity.auth().userByName("dave").orElseThrow();
    assertThat(user.loginAttempts()).as("admins see the failures").isEqualTo(10);
    assertThat(user.lockoutUntil()).as("the account itself is never locked").isZero();
  }

  @Test
  void tamperedForgedAndWrongKindTokensAre401Json() {
    MapValue pair = server.login("tester", TestServer.PASSWORD);
    String access = ((StringValue) pair.get("access_token")).value();
    String refresh = ((StringValue) pair.get("refresh_token")).value();
    String[] parts = access.split("\\.");
    String flipped = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    String hs256 = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + b64("not-a-real-mac");
    String payloadSwap = parts[0] + "." + b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"user\"", "\"admin\"")) + "." + parts[2];
    for (String bad : new String[] {flipped, none, hs256, payloadSwap, refresh, "garbage", ""}) {
      var r = readWith(bad);
      assertThat(r.status()).as(bad).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo("UNAUTHORIZED");
      assertThat(r.string("message")).contains("unauthorized");
    }
    var malformedHeader = server.send("GET", docs("default", "c/x"), null, null, null);
    assertThat(malformedHeader.status()).as("anonymous on the default database").isEqualTo(401);
    assertThat(readWith(access).status()).isEqualTo(404);
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void expiredAccessTokensAre401() throws InterruptedException {
    server.close();
    Path other = dir.resolve("short");
    server = new TestServer(other, IdentityServices.Options.defaults(other)
        .withAdminPassword(TestServer.ADMIN_PASSWORD).withHasher(new PasswordHasher(1024, 1, 1))
        .withAccessTtl(Duration.ofSeconds(1)), Clock.systemUTC(),
        GatewayOptions.defaults().withRateLimit(GatewayOptions.RateLimit.off()));
    String token = server.token;
    assertThat(readWith(token).status()).isEqualTo(404);
    Thread.sleep(1_200);
    var expired = readWith(token);
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.string("message")).contains("expired");
  }

  @Test
  void disabledUsersAreRefusedEverywhereAndAdminEndpointsNeedAdmins() {
    assertThat(server.get("/admin/users").status()).as("a plain user").isEqualTo(403);
    assertThat(server.send("GET", "/admin/users", null, null, null).status()).as("anonymous").isEqualTo(401);
    String admin = server.adminToken();
    var users = server.send("GET", "/admin/users", null, null, admin);
    assertThat(users.status()).isEqualTo(200);
    assertThat(users.body()).contains("\"username\":\"tester\"").doesNotContain("argon2");
    String testerId = server.identity.auth().userByName("tester").orElseThrow().id();
    var disable = server.send("PATCH", "/admin/users/" + testerId, "{\"disabled\":true}", null, admin);
    assertThat(disable.status()).isEqualTo(200);
    assertThat(readWith(server.token).status()).isEqualTo(401);
    assertThat(auth("login", creds("tester", TestServer.PASSWORD)).status()).isEqualTo(401);
    assertThat(server.send("PATCH", "/admin/users/" + testerId, "{\"disabled\":\"yes\"}", null, admin).status())
        .isEqualTo(400);
    assertThat(server.send("PATCH", "/admin/users/nobody", "{\"disabled\":false}", null, admin).status()).isEqualTo(404);
  }
}
