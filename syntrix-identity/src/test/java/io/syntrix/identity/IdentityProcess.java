package io.syntrix.identity;

import io.syntrix.model.SyntrixException;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresStoreOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A gateway's identity in a JVM of its own, for {@link ClusterIdentityProcessTest}: opens a
 * PostgreSQL store, waits for the agreed start instant (so that all children bootstrap at the
 * same moment), starts {@link IdentityServices} and prints
 * {@code started <admin id> <default database id> <generated password or ->}. Then it answers
 * one line per command read from stdin: {@code login <password>} → {@code token <access token>};
 * {@code verify <access token>} → {@code verified <username>} or {@code refused <message>}. It
 * ends at end of input (also when the test dies and the pipe closes).
 *
 * <p>Arguments: JDBC URL, data directory, start instant (epoch millis).
 */
public final class IdentityProcess {
  private IdentityProcess() {}

  public static void main(String[] args) throws Exception {
    try (PostgresDocumentStore store = new PostgresDocumentStore(PostgresStoreOptions.defaults(args[0])
        .withPool(2, 1).withSequencer(false))) {
      long startAt = Long.parseLong(args[2]);
      while (System.currentTimeMillis() < startAt) {
        Thread.sleep(1);
      }
      IdentityServices identity = IdentityServices.start(store, IdentityServices.Options.defaults(Path.of(args[1]))
          .withHasher(new PasswordHasher(1024, 1, 1)));
      String generated = identity.generatedAdminPassword();
      System.out.println("started " + identity.auth().userByName("syntrix").orElseThrow().id() + " "
          + identity.databases().find(DatabaseService.DEFAULT_SLUG).orElseThrow().id() + " "
          + (generated == null ? "-" : generated));
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] command = line.split(" ", 2);
        System.out.println(switch (command[0]) {
          case "login" -> "token " + identity.auth().login("syntrix", command[1]).accessToken();
          case "verify" -> verify(identity, command[1]);
          default -> "unknown " + command[0];
        });
      }
    }
  }

  private static String verify(IdentityServices identity, String token) {
    try {
      return "verified " + identity.auth().authenticate(token).username();
    } catch (SyntrixException e) {
      return "refused " + e.getMessage();
    }
  }
}
