package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.DocumentPath;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.postgres.EmbeddedPostgresServer;
import io.syntrix.store.postgres.PostgresDocumentStore;
import io.syntrix.store.postgres.PostgresStoreOptions;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs {@code syntrix serve} as its own process, the way the launcher does, on each engine: it
 * answers over HTTP, stops on SIGTERM, and leaves a store that opens again with the data in it.
 */
class ServeCommandTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {ServerConfig.ROCKSDB, ServerConfig.POSTGRES})
  void servesHttpUntilSigtermThenReleasesTheStore(String engine) throws Exception {
    EmbeddedPostgresServer.TestDatabase database = engine.equals(ServerConfig.POSTGRES)
        ? EmbeddedPostgresServer.shared().createDatabase("serve") : null;
    try {
      serveUntilSigterm(database);
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  private void serveUntilSigterm(EmbeddedPostgresServer.TestDatabase database) throws Exception {
    Path data = dir.resolve("data");
    Path config = dir.resolve("syntrix.yaml");
    // The file sets the data dir; the flag beats the file for the port, the host comes from the file.
    Files.writeString(config, "server:\n  host: 127.0.0.1\n  port: 1\nstorage:\n  dataDir: " + data + "\n"
        + (database == null ? "" : "  engine: postgres\n  postgresUrl: \"" + database.jdbcUrl() + "\"\n"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), SyntrixMain.class.getName(), "serve",
        "--config", config.toString(), "--port", "0")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertThat(first).as("the generated admin password is shown once").startsWith("Created admin user 'syntrix' with password: ");
      String line = out.readLine();
      assertThat(line).startsWith("Syntrix ready on http://127.0.0.1:")
          .contains(database == null ? data.toString() : database.jdbcUrl());
      Matcher m = Pattern.compile(":(\\d+) ").matcher(line);
      assertThat(m.find()).isTrue();
      String base = "http://127.0.0.1:" + m.group(1);
      HttpClient http = HttpClient.newHttpClient();
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      HttpResponse<String> signup = http.send(HttpRequest.newBuilder(URI.create(base + "/auth/v1/signup"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"Alice-Password-1\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(signup.statusCode()).as(signup.body()).isEqualTo(200);
      Matcher token = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(signup.body());
      assertThat(token.find()).isTrue();
      String bearer = "Bearer " + token.group(1);
      HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base
              + "/api/v1/databases/default/documents/notes"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"n0\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).as("the default database is for signed-in users").isEqualTo(401);
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base
              + "/api/v1/databases/default/documents/notes")).header("Authorization", bearer)
          .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"n1\",\"text\":\"hello\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(201);
      HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(base
          + "/api/v1/databases/default/documents/notes/n1")).header("Authorization", bearer).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(read.body()).contains("\"text\":\"hello\"");
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    try (DocumentStore store = database == null ? RocksDocumentStore.open(RocksStoreOptions.defaults(data))
        : new PostgresDocumentStore(PostgresStoreOptions.defaults(database.jdbcUrl()))) {
      assertThat(store.changeLog().read(0, 10)).singleElement()
          .satisfies(e -> assertThat(e.path()).isEqualTo(DocumentPath.of("notes/n1")));
    }
  }

  @Test
  void invalidSettingsAreReportedAndExitWithStatus2() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SyntrixMain.class.getName(), "serve", "--port", "99999", "--data-dir", dir.toString())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).contains("port must be 0..65535");
  }
}
