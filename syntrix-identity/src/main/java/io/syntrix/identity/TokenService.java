package io.syntrix.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * RS256 JWTs with the original's claims ({@code sub}, {@code oid}, {@code username},
 * {@code roles}, {@code disabled}, {@code db_admin}, {@code jti}, {@code iat}, {@code nbf},
 * {@code exp}) plus {@code typ} ({@code access} or {@code refresh}) so that neither kind is
 * accepted as the other. Only RS256 verifies: {@code alg: none}, HMAC and any other algorithm
 * are refused before the signature is looked at. Access tokens that verified are remembered
 * ({@link VerifiedTokens}), their times checked again on each use. Thread-safe.
 */
public final class TokenService {
  static final String ACCESS = "access";
  static final String REFRESH = "refresh";

  private final RSASSASigner signer;
  private final RSASSAVerifier verifier;
  private final Clock clock;
  private final Duration accessTtl;
  private final Duration refreshTtl;
  private final VerifiedTokens verified = new VerifiedTokens();

  public TokenService(KeyPair keys, Clock clock, Duration accessTtl, Duration refreshTtl) {
    this.signer = new RSASSASigner(keys.getPrivate());
    this.verifier = new RSASSAVerifier((RSAPublicKey) keys.getPublic());
    this.clock = clock;
    this.accessTtl = accessTtl;
    this.refreshTtl = refreshTtl;
  }

  public Duration refreshTtl() {
    return refreshTtl;
  }

  public Duration accessTtl() {
    return accessTtl;
  }

  /** A signed token and its id and expiry. */
  record Issued(String token, String jti, long expiresAtMillis) {}

  Issued issueAccess(User user, String family) {
    return issue(user, ACCESS, accessTtl, family);
  }

  Issued issueRefresh(User user, String family) {
    return issue(user, REFRESH, refreshTtl, family);
  }

  private Issued issue(User user, String type, Duration ttl, String family) {
    long now = clock.millis();
    String jti = UUID.randomUUID().toString();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .subject(user.id())
        .claim("oid", user.id())
        .claim("username", user.username())
        .claim("disabled", user.disabled())
        .claim("typ", type)
        .jwtID(jti)
        .issueTime(new Date(now))
        .notBeforeTime(new Date(now))
        .expirationTime(new Date(now + ttl.toMillis()));
    if (ACCESS.equals(type)) {
      claims.claim("roles", user.roles());
    }
    if (!user.dbAdmin().isEmpty()) {
      claims.claim("db_admin", user.dbAdmin());
    }
    if (family != null) {
      claims.claim("fam", family);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
        claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return new Issued(jwt.serialize(), jti, now + ttl.toMillis());
  }

  /** Verifies an access token; every failure is a 401 whose message contains "unauthorized". */
  public Principal verifyAccess(String token) {
    Principal known = verified.get(token);
    if (known != null) {
      checkTimes(known.expiresAtMillis(), notBefore(known));
      return known;
    }
    JWTClaimsSet c = verify(token, ACCESS);
    try {
      Principal p = new Principal(c.getSubject(), c.getStringClaim("username"), listClaim(c, "roles"),
          listClaim(c, "db_admin"), c.getClaims(), c.getExpirationTime().getTime());
      verified.put(token, p);
      return p;
    } catch (ParseException e) {
      throw unauthorized("malformed token claims");
    }
  }

  private static Date notBefore(Principal p) {
    return p.claims().get("nbf") instanceof Date d ? d : null;
  }

  /** The checks that depend on the time, made again whenever a verified token is used. */
  private void checkTimes(long expiresAtMillis, Date notBefore) {
    long now = clock.millis();
    if (expiresAtMillis <= now) {
      throw unauthorized("token expired");
    }
    if (notBefore != null && notBefore.getTime() > now + 5_000) {
      throw unauthorized("token not valid yet");
    }
  }

  /** Verifies a refresh token's signature, type and lifetime; returns its claims. */
  JWTClaimsSet verifyRefresh(String token) {
    return verify(token, REFRESH);
  }

  private JWTClaimsSet verify(String token, String expectedType) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw unauthorized("malformed token");
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw unauthorized("token algorithm must be RS256");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw unauthorized("bad token signature");
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      if (c.getExpirationTime() == null) {
        throw unauthorized("token expired");
      }
      checkTimes(c.getExpirationTime().getTime(), c.getNotBeforeTime());
      if (!expectedType.equals(c.getStringClaim("typ"))) {
        throw unauthorized("a " + c.getStringClaim("typ") + " token cannot be used as " + expectedType + " token");
      }
      if (c.getSubject() == null) {
        throw unauthorized("token has no subject");
      }
      return c;
    } catch (JOSEException | ParseException e) {
      throw unauthorized("token cannot be verified");
    }
  }

  private static List<String> listClaim(JWTClaimsSet c, String name) throws ParseException {
    List<String> v = c.getStringListClaim(name);
    return v == null ? List.of() : v;
  }

  static SyntrixException unauthorized(String why) {
    return new SyntrixException(ErrorCode.UNAUTHORIZED, "unauthorized: " + why);
  }
}
