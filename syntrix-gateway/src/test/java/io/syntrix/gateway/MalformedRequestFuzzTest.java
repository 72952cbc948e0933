package io.syntrix.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throws generated garbage at every endpoint: mutated JSON bodies, wrong types, odd paths, odd
 * query strings. Nothing may come back as a 5xx, every 4xx must be a JSON error, and the server
 * must still answer afterwards. Prints the seed; rerun with {@code -Dfuzz.seed=N}.
 */
@Tag("random")
class MalformedRequestFuzzTest {
  private static final String[] METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  private static final String[] PATHS = {
      "/api/v1/databases/default/documents/users", "/api/v1/databases/default/documents/users/u1",
      "/api/v1/databases/default/documents/users/u1/sub", "/api/v1/databases/default/query",
      "/api/v1/databases/default/query/explain", "/replication/v1/databases/default/pull?collection=users&checkpoint=0",
      "/replication/v1/databases/default/push", "/api/v1/databases/x%00y/documents/a/b",
      "/api/v1/databases/default/documents/" + "a/".repeat(300) + "b", "/api/v1/databases/default/documents/%2e%2e/x",
      "/replication/v1/databases/default/pull?collection=users&checkpoint=9~", "/health", "/ready"};
  private static final String[] SEEDS = {
      "{\"id\":\"u1\",\"name\":\"x\",\"n\":1}", "{\"doc\":{\"a\":1},\"ifMatch\":[{\"field\":\"version\",\"op\":\"==\",\"value\":1}]}",
      "{\"collection\":\"users\",\"filters\":[{\"field\":\"a\",\"op\":\"in\",\"value\":[1,2]}],\"orderBy\":[{\"field\":\"a\",\"direction\":\"desc\"}],\"limit\":10}",
      "{\"collection\":\"users\",\"changes\":[{\"action\":\"update\",\"document\":{\"id\":\"u1\",\"version\":1}}]}",
      "[1,2,3]", "\"str\"", "null", "{}"};
  private static final String[] JUNK = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "nul", "1e999",
      "-", "99999999999999999999999", "0.1e-99999", "{\"field\":1}", "{\"op\":\"~\"}", "\u0000", "\ud83d", "NaN",
      "true", "[[[[[[[[[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":", "\"version\"", "\"limit\":-1", "\"limit\":1.5"};

  @TempDir
  Path dir;

  @Test
  void noMalformedRequestGetsA5xxAndTheServerSurvives() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    Random random = new Random(seed);
    try (TestServer server = new TestServer(dir)) {
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < 1200; i++) {
        String method = METHODS[random.nextInt(METHODS.length)];
        String path = PATHS[random.nextInt(PATHS.length)];
        String body = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
        var r = server.send(method, path, method.equals("GET") && random.nextBoolean() ? null : body);
        if (r.status() >= 500) {
          problems.add(r.status() + " for " + method + " " + path + " " + body);
        } else if (r.status() >= 400 && !path.startsWith("/health") && !r.body().startsWith("{\"code\":")) {
          problems.add("non-JSON " + r.status() + " for " + method + " " + path + ": " + r.body());
        }
      }
      assertThat(problems).as("seed %d", seed).isEmpty();
      assertThat(server.get("/health").status()).isEqualTo(200);
      assertThat(server.post("/api/v1/databases/default/documents/users", "{\"id\":\"after\"}").status())
          .as("seed %d: the server still writes", seed).isIn(201, 409);
    }
  }

  private static String mutate(String seed, Random r) {
    StringBuilder s = new StringBuilder(seed);
    for (int n = 1 + r.nextInt(3); n > 0; n--) {
      int at = s.isEmpty() ? 0 : r.nextInt(s.length() + 1);
      switch (r.nextInt(4)) {
        case 0 -> s.insert(at, JUNK[r.nextInt(JUNK.length)]);
        case 1 -> {
          if (!s.isEmpty()) {
            s.delete(Math.min(at, s.length() - 1), Math.min(s.length(), at + 1 + r.nextInt(5)));
          }
        }
        case 2 -> s.replace(0, s.length(), s.substring(0, at)); // truncate
        default -> { } // sometimes leave a valid body: the request may still be wrong for the endpoint
      }
    }
    return s.toString();
  }
}
