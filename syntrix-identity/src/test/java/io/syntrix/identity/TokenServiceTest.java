package io.syntrix.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Access tokens are verified once and remembered, and still expire, and a forgery never rides on a good token. */
class TokenServiceTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  };

  private static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static User user(String id) {
    return new User(id, "name-" + id, "hash", List.of("user"), List.of(), false, 0, 0, 0, 0, 0);
  }

  private static void assertUnauthorized(Runnable r, String why) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(SyntrixException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
      assertThat(e.getMessage()).contains(why);
    });
  }

  @Test
  void aRememberedTokenStillExpires() throws Exception {
    TokenService tokens = new TokenService(keys(), clock, Duration.ofMinutes(15), Duration.ofDays(7));
    String token = tokens.issueAccess(user("u1"), null).token();
    Principal first = tokens.verifyAccess(token);
    assertThat(tokens.verifyAccess(token)).as("the remembered principal").isSameAs(first);

    now.addAndGet(Duration.ofMinutes(15).toMillis());
    assertUnauthorized(() -> tokens.verifyAccess(token), "token expired");
  }

  @Test
  void aForgedSignatureIsRefusedEvenWhenTheGenuineTokenIsRemembered() throws Exception {
    TokenService tokens = new TokenService(keys(), clock, Duration.ofMinutes(15), Duration.ofDays(7));
    TokenService other = new TokenService(keys(), clock, Duration.ofMinutes(15), Duration.ofDays(7));
    String genuine = tokens.issueAccess(user("u1"), null).token();
    tokens.verifyAccess(genuine);
    String[] parts = genuine.split("\\.");
    String foreignSignature = other.issueAccess(user("u1"), null).token().split("\\.")[2];
    assertUnauthorized(() -> tokens.verifyAccess(parts[0] + "." + parts[1] + "." + foreignSignature),
        "bad token signature");
    assertUnauthorized(() -> other.verifyAccess(genuine), "bad token signature");
  }

  @Test
  void manyTokensStayCorrectPastTheBound() throws Exception {
    TokenService tokens = new TokenService(keys(), clock, Duration.ofMinutes(15), Duration.ofDays(7));
    String first = tokens.issueAccess(user("u0"), null).token();
    assertThat(tokens.verifyAccess(first).userId()).isEqualTo("u0");
    for (int i = 1; i <= VerifiedTokens.MAX + 10; i++) {
      String t = tokens.issueAccess(user("u" + i), null).token();
      assertThat(tokens.verifyAccess(t).userId()).isEqualTo("u" + i);
    }
    assertThat(tokens.verifyAccess(first).userId()).as("verified again after the bound cleared it").isEqualTo("u0");
  }
}
