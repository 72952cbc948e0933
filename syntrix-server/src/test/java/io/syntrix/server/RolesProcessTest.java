package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import io.syntrix.store.postgres.EmbeddedPostgresServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of separate JVMs on one PostgreSQL database (issue 12, item 2): one
 * {@code serve --role streamer} and two {@code serve --role gateway}, on real sockets. A WebSocket
 * client on each gateway subscribes to the same filtered query while writes go through both
 * gateways; each client gets every matching change exactly once, in seq order, whichever gateway
 * wrote it. Then the streamer is stopped and each gateway's {@code /ready} turns 503 naming the link.
 * Every process the test starts is killed by its own pid afterwards, also on failure.
 */
class RolesProcessTest {
  private static final String ADMIN_PASSWORD = "Roles-Admin-Password-1";
  private static final Pattern READY = Pattern.compile("^Syntrix ready on http://127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern STREAMER_READY = Pattern.compile(
      "^Syntrix streamer ready: link on 127\\.0\\.0\\.1:(\\d+), probes on http://127\\.0\\.0\\.1:(\\d+) ");

  @TempDir
  Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void killEveryChild() throws InterruptedException {
    for (Process p : processes) {
      ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (Process p : processes) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void twoGatewaysOneStreamerEveryClientGetsEveryMatchingChangeOnceInSeqOrder() throws Exception {
    EmbeddedPostgresServer.TestDatabase database = EmbeddedPostgresServer.shared().createDatabase("roles");
    try {
      String url = database.jdbcUrl();
      Process streamer = start("streamer", "--role", "streamer", "--store", "postgres", "--postgres-url", url,
          "--link-port", "0", "--port", "0");
      Matcher s = awaitLine(streamer, STREAMER_READY, "streamer");
      String link = "127.0.0.1:" + s.group(1);
      String probes = "http://127.0.0.1:" + s.group(2);
      // The first address answers nothing: a gateway links to the first streamer that answers.
      String streamers = "127.0.0.1:1," + link;
      List<String> gateways = new ArrayList<>();
      for (int g = 0; g < 2; g++) {
        Process gateway = start("gateway" + g, "--role", "gateway", "--store", "postgres", "--postgres-url", url,
            "--streamer", streamers, "--port", "0", "--no-rate-limit");
        gateways.add("http://127.0.0.1:" + awaitLine(gateway, READY, "gateway" + g).group(1));
      }
      assertThat(get(probes + "/ready").statusCode()).isEqualTo(200);
      List<String> tokens = new ArrayList<>();
      List<BlockingQueue<MapValue>> clients = new ArrayList<>();
      for (String base : gateways) {
        assertThat(get(base + "/ready").statusCode()).isEqualTo(200);
        String token = new ServerClient(base).login("syntrix", ADMIN_PASSWORD);
        tokens.add(token);
        clients.add(subscribe(new ServerClient(base), token));
      }

      // Two writers per gateway; every third document matches the subscriptions' filter.
      String docs = "/api/v1/databases/default/documents/notes";
      Set<String> matching = ConcurrentHashMap.newKeySet();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        ServerClient client = new ServerClient(gateways.get(w % 2));
        String token = tokens.get(w % 2);
        int ww = w;
        writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> {
          for (int i = 0; i < 30; i++) {
            String id = "w" + ww + "-" + i;
            boolean keep = i % 3 == 0;
            HttpResponse<String> r = client.send("POST", docs, "{\"id\":\"" + id + "\",\"keep\":" + keep + "}", token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            if (keep) {
              matching.add(id);
            }
          }
        }));
      }
      for (Thread t : writers) {
        t.join();
      }
      assertThat(matching).hasSize(40);

      List<List<Long>> seqsSeen = new ArrayList<>();
      for (int c = 0; c < clients.size(); c++) {
        List<Long> seqs = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ids.size() < matching.size() && System.nanoTime() < deadline) {
          MapValue f = clients.get(c).poll(1, TimeUnit.SECONDS);
          if (f == null || !f.get("type").equals(new StringValue("event"))) {
            continue;
          }
          MapValue payload = (MapValue) f.get("payload");
          seqs.add(((IntegerValue) payload.get("seq")).value());
          String id = ((StringValue) ((MapValue) payload.get("delta")).get("id")).value();
          if (!ids.add(id.substring(id.lastIndexOf('/') + 1))) {
            duplicates.add(id);
          }
        }
        assertThat(clients.get(c).poll(500, TimeUnit.MILLISECONDS)).as("client %d: nothing after", c).isNull();
        assertThat(duplicates).as("client %d: no change twice", c).isEmpty();
        assertThat(ids).as("client %d: every matching change, whichever gateway wrote it", c).isEqualTo(matching);
        assertThat(seqs).as("client %d: in seq order", c).isSorted().doesNotHaveDuplicates();
        seqsSeen.add(seqs);
      }
      assertThat(seqsSeen.get(0)).as("both clients saw the same changes at the same positions").isEqualTo(seqsSeen.get(1));

      // The streamer stops (SIGTERM: its shutdown is relayed over the link; a SIGKILL's lost link is
      // GrpcLinkTest's): each gateway's /ready reports it.
      streamer.destroy();
      assertThat(streamer.waitFor(10, TimeUnit.SECONDS)).isTrue();
      for (String base : gateways) {
        HttpResponse<String> ready = get(base + "/ready");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ready.statusCode() == 200 && System.nanoTime() < deadline) {
          Thread.sleep(200);
          ready = get(base + "/ready");
        }
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(ready.body()).contains("the link to the streamer at " + link);
      }
    } finally {
      killEveryChild(); // before the database is dropped: the streamer holds its replication slot
      database.close();
    }
  }

  @Test
  void aGatewayOrStreamerRoleNeedsPostgresAndAGatewayAStreamer() throws Exception {
    Process streamer = start("bad-streamer", "--role", "streamer", "--port", "0");
    assertThat(streamer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(streamer.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("bad-streamer.err"))).contains("--role streamer needs --store postgres");
    Process gateway = start("bad-gateway", "--role", "gateway", "--store", "postgres",
        "--postgres-url", "jdbc:postgresql://127.0.0.1:1/none", "--port", "0");
    assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(gateway.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("bad-gateway.err"))).contains("--role gateway needs --streamer");
  }

  @Test
  void aGatewayWhoseStreamersAllFailToAnswerDoesNotStart() throws Exception {
    EmbeddedPostgresServer.TestDatabase database = EmbeddedPostgresServer.shared().createDatabase("nostreamer");
    try {
      Process gateway = start("lonely-gateway", "--role", "gateway", "--store", "postgres",
          "--postgres-url", database.jdbcUrl(), "--streamer", "127.0.0.1:1,127.0.0.1:2", "--port", "0");
      assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(gateway.exitValue()).isEqualTo(1);
      assertThat(Files.readString(dir.resolve("lonely-gateway.err")))
          .contains("no streamer answers").contains("127.0.0.1:1: ").contains("127.0.0.1:2: ");
    } finally {
      killEveryChild();
      database.close();
    }
  }

  private Process start(String name, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), SyntrixMain.class.getName(), "serve",
        "--host", "127.0.0.1", "--data-dir", dir.resolve(name).toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(dir.resolve(name + ".err").toFile());
    pb.environment().put("SYNTRIX_ADMIN_PASSWORD", ADMIN_PASSWORD);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Reads {@code process}'s stdout up to the line {@code ready} matches, then drains the rest in the background. */
  private Matcher awaitLine(Process process, Pattern ready, String name) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofPlatform().daemon().name("stdout-" + name).start(() -> {
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (java.io.IOException e) {
        // the process ended
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null && ready.matcher(line).find()) {
        Matcher m = ready.matcher(line);
        assertThat(m.find()).isTrue();
        return m;
      }
      if (line == null && !process.isAlive()) {
        break;
      }
    }
    throw new AssertionError(name + " did not start: " + Files.readString(dir.resolve(name + ".err")));
  }

  /** A realtime client on the gateway, subscribed to the notes that have {@code keep == true}. */
  private static BlockingQueue<MapValue> subscribe(ServerClient gateway, String token) throws Exception {
    ServerClient.Realtime ws = gateway.realtime(token, "default");
    ws.send("{\"id\":\"s\",\"type\":\"subscribe\",\"payload\":{\"query\":{\"collection\":\"notes\","
        + "\"filters\":[{\"field\":\"keep\",\"op\":\"==\",\"value\":true}]},\"includeData\":true,"
        + "\"sendSnapshot\":false}}");
    MapValue ack = ws.next();
    assertThat(ack.get("type")).as(ack.toString()).isEqualTo(new StringValue("subscribe_ack"));
    return ws.frames();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
