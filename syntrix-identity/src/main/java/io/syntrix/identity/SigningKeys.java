package io.syntrix.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA-2048 key that signs every token: read from a PKCS#8 PEM file, or generated on first
 * start and written there with owner-only permissions. Losing the file signs everyone out;
 * sharing it lets gateways verify each other's tokens.
 */
public final class SigningKeys {
  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";

  private SigningKeys() {}

  public static KeyPair loadOrCreate(Path pem) {
    try {
      if (Files.exists(pem)) {
        return read(pem);
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Files.createDirectories(pem.toAbsolutePath().getParent());
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(pair.getPrivate().getEncoded());
      Path tmp = pem.resolveSibling(pem.getFileName() + ".tmp");
      Files.writeString(tmp, BEGIN + "\n" + body + "\n" + END + "\n");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system; the key is still written
      }
      Files.move(tmp, pem, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      log.info("generated a new token signing key at {}", pem);
      return pair;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the signing key " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create an RSA signing key", e);
    }
  }

  private static KeyPair read(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(pem + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
    RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    return new KeyPair(pub, key);
  }
}
