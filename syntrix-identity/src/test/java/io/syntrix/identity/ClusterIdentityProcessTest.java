package io.syntrix.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.store.postgres.EmbeddedPostgresServer;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresStoreOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster promise with real processes: three JVMs ({@link IdentityProcess}), each with its
 * own data directory, start identity on one empty PostgreSQL database at the same instant. They
 * agree on the admin, the {@code default} database and the signing key: one of them prints the
 * generated admin password, and a token issued by any of them is accepted by every other.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterIdentityProcessTest {
  private static final int PROCESSES = 3;

  @TempDir
  Path dir;
  private EmbeddedPostgresServer.TestDatabase database;
  private final List<Child> children = new ArrayList<>();

  /** One child JVM: its command pipe and its answers. */
  private record Child(Process process, Writer commands, BufferedReader answers, Path stderr) {
    String ask(String command) throws Exception {
      commands.write(command + "\n");
      commands.flush();
      return answer();
    }

    String answer() throws Exception {
      String line = answers.readLine();
      assertThat(line).as("answer of a child; its stderr:%n%s", Files.exists(stderr) ? Files.readString(stderr) : "")
          .isNotNull();
      return line;
    }
  }

  @AfterEach
  void close() throws Exception {
    for (Child c : children) {
      c.commands().close();
      if (!c.process().waitFor(10, TimeUnit.SECONDS)) {
        c.process().destroyForcibly();
      }
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void processesStartingTogetherShareOneAdminOneDefaultDatabaseAndOneKey() throws Exception {
    database = EmbeddedPostgresServer.shared().createDatabase("identity_processes");
    // The schema first, as a deployment's first process would make it; then the race is about identity alone.
    new PostgresDocumentStore(PostgresStoreOptions.defaults(database.jdbcUrl()).withSequencer(false)).close();
    String java = ProcessHandle.current().info().command().orElseThrow();
    long startAt = System.currentTimeMillis() + 6_000;
    for (int i = 0; i < PROCESSES; i++) {
      Path stderr = dir.resolve("child-" + i + ".stderr");
      Process p = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
          IdentityProcess.class.getName(), database.jdbcUrl(), dir.resolve("data-" + i).toString(),
          Long.toString(startAt))
          .redirectError(stderr.toFile())
          .start();
      children.add(new Child(p, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8),
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), stderr));
    }

    List<String[]> started = new ArrayList<>();
    for (Child c : children) {
      String[] line = c.answer().split(" ");
      assertThat(line[0]).isEqualTo("started");
      started.add(line);
    }
    assertThat(started.stream().map(s -> s[1]).distinct()).as("admin ids").hasSize(1);
    assertThat(started.stream().map(s -> s[2]).distinct()).as("default database ids").hasSize(1);
    List<String> passwords = started.stream().map(s -> s[3]).filter(p -> !p.equals("-")).toList();
    assertThat(passwords).as("generated admin passwords printed").hasSize(1);

    List<String> tokens = new ArrayList<>();
    for (Child c : children) {
      String answer = c.ask("login " + passwords.get(0));
      assertThat(answer).startsWith("token ");
      tokens.add(answer.substring("token ".length()));
    }
    for (Child verifier : children) {
      for (String token : tokens) {
        assertThat(verifier.ask("verify " + token)).isEqualTo("verified syntrix");
      }
    }
    for (int i = 0; i < PROCESSES; i++) {
      assertThat(dir.resolve("data-" + i).resolve("keys")).as("no key file of its own").doesNotExist();
    }
  }
}
