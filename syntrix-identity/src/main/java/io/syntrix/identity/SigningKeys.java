package io.syntrix.identity;

import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.store.SystemStore;
import io.syntrix.store.SystemStore.Versioned;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA-2048 key that signs every token, one for the whole cluster: every process sharing a
 * store signs and verifies with the same key, so a token from any gateway works on all of them.
 *
 * <p><b>Where it lives.</b> Either in a PKCS#8 PEM file given by configuration ({@link
 * #loadOrCreate(Path)}: read, or generated there with owner-only permissions; every process of a
 * cluster must then be given the same file), or, by default, in the store's system records
 * ({@code keys/signing} → {@code {pem}}, {@link #fromStore}).
 *
 * <p><b>Created once.</b> The first process to start on an empty store generates a key and
 * writes it with compare-and-put on version 0; of processes starting at the same moment exactly
 * one write wins, and every loser drops its own key and loads the winner's. The record is never
 * replaced afterwards (replacing it would sign everyone out).
 *
 * <p><b>Migration.</b> Before keys were kept in the store, a standalone server generated its
 * key into {@code <data>/keys/auth_private.pem}. When the store has no key yet and that legacy
 * file exists, its key is the one put into the store, so tokens issued before the upgrade stay
 * valid; the file is left where it is and not read again.
 *
 * <p>Whoever can read the system records (the RocksDB directory, the PostgreSQL database) can
 * sign tokens; that same party can already rewrite users and rules.
 */
public final class SigningKeys {
  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";
  static final String NAMESPACE = "keys";
  static final String SIGNING = "signing";

  private SigningKeys() {}

  /** The key in {@code pem}, generated and written there when the file does not exist. */
  public static KeyPair loadOrCreate(Path pem) {
    try {
      if (Files.exists(pem)) {
        return parse(Files.readString(pem), pem.toString());
      }
      KeyPair pair = generate();
      Files.createDirectories(pem.toAbsolutePath().getParent());
      Path tmp = pem.resolveSibling(pem.getFileName() + ".tmp");
      Files.writeString(tmp, toPem(pair));
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system; the key is still written
      }
      Files.move(tmp, pem, StandardCopyOption.ATOMIC_MOVE);
      log.info("generated a new token signing key at {}", pem);
      return pair;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the signing key " + pem, e);
    }
  }

  /**
   * The cluster's key from the system store, put there first if there is none: the key of
   * {@code legacyFile} when that file exists (null: no migration), else a new one. Safe when
   * many processes call it at once on one store: all of them return the same key.
   */
  public static KeyPair fromStore(SystemStore system, Path legacyFile) {
    Optional<KeyPair> stored = stored(system);
    if (stored.isPresent()) {
      warnIfLegacyDiffers(stored.get(), legacyFile);
      return stored.get();
    }
    boolean migrating = legacyFile != null && Files.exists(legacyFile);
    KeyPair candidate = migrating ? loadOrCreate(legacyFile) : generate();
    MapValue record = MapValue.builder().put("pem", new StringValue(toPem(candidate))).build();
    if (system.compareAndPut(NAMESPACE, SIGNING, 0, record) > 0) {
      if (migrating) {
        log.info("the token signing key of {} is now kept in the store (the file is no longer read)", legacyFile);
      } else {
        log.info("generated the cluster's token signing key, kept in the store");
      }
      return candidate;
    }
    // Another process stored its key first: that one is the cluster's.
    return stored(system).orElseThrow(() -> new IllegalStateException(
        "the signing key record was written and is gone again; nothing deletes it"));
  }

  private static Optional<KeyPair> stored(SystemStore system) {
    return system.get(NAMESPACE, SIGNING).map(SigningKeys::fromRecord);
  }

  private static KeyPair fromRecord(Versioned record) {
    return parse(((StringValue) record.value().get("pem")).value(), "the store's signing key record");
  }

  private static void warnIfLegacyDiffers(KeyPair stored, Path legacyFile) {
    if (legacyFile == null || !Files.exists(legacyFile)) {
      return;
    }
    try {
      if (!parse(Files.readString(legacyFile), legacyFile.toString()).getPublic().equals(stored.getPublic())) {
        log.warn("{} holds another key than the store; the store's key signs tokens (set identity.signingKeyFile "
            + "to use the file)", legacyFile);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read the old signing key file {}; the store's key signs tokens", legacyFile, e);
    }
  }

  static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create an RSA signing key", e);
    }
  }

  static String toPem(KeyPair pair) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pair.getPrivate().getEncoded());
    return BEGIN + "\n" + body + "\n" + END + "\n";
  }

  private static KeyPair parse(String text, String source) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalStateException(source + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
      RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(
          new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
      return new KeyPair(pub, key);
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw new IllegalStateException(source + " is not a readable RSA private key", e);
    }
  }
}
