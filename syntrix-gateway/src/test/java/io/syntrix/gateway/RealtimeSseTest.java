package io.syntrix.gateway;

import static io.syntrix.gateway.TestServer.docs;
import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.BooleanValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSE at both paths (reference §8): connected comment, data envelopes with event ids, Last-Event-ID resume, filters. */
class RealtimeSseTest {
  @TempDir
  Path dir;

  /** An open event stream: lines arrive in a queue from a reader thread. */
  private record Sse(HttpResponse<Stream<String>> response, BlockingQueue<String> lines) {
    String line() throws InterruptedException {
      String l = lines.poll(10, TimeUnit.SECONDS);
      if (l == null) {
        throw new AssertionError("no SSE line within 10 s");
      }
      return l;
    }

    /** The next event: its id line and its data envelope. */
    Object[] event() throws InterruptedException {
      String line;
      do {
        line = line();
      } while (line.isEmpty() || line.startsWith(":"));
      assertThat(line).startsWith("id: ");
      long id = Long.parseLong(line.substring(4));
      String data = line();
      assertThat(data).startsWith("data: ");
      return new Object[] {id, Json.parse(data.substring(6))};
    }
  }

  private static Sse open(TestServer server, String path, String token, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
        .header("Accept", "text/event-stream");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> r = server.http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    if (r.statusCode() == 200) {
      Thread.ofPlatform().daemon().start(() -> {
        Iterator<String> it = r.body().iterator();
        while (it.hasNext()) {
          lines.add(it.next());
        }
      });
    }
    return new Sse(r, lines);
  }

  private static String deltaId(Object[] event) {
    MapValue payload = (MapValue) ((MapValue) event[1]).get("payload");
    return ((StringValue) ((MapValue) payload.get("delta")).get("id")).value();
  }

  @Test
  void streamsEventsWithIdsAndResumesWithLastEventId() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      Sse sse = open(server, "/realtime/sse?database=default&collection=notes", server.token, null);
      assertThat(sse.response().statusCode()).isEqualTo(200);
      assertThat(sse.response().headers().firstValue("Content-Type")).contains("text/event-stream");
      assertThat(sse.line()).isEqualTo(": connected");
      server.post(docs("default", "notes"), "{\"id\":\"a\"}");
      Object[] first = sse.event();
      assertThat((MapValue) first[1]).extracting(m -> m.get("type")).isEqualTo(new StringValue("event"));
      assertThat(deltaId(first)).isEqualTo("notes/a");
      long lastId = (long) first[0];
      sse.response().body().close();

      server.post(docs("default", "notes"), "{\"id\":\"b\"}");
      server.post(docs("default", "other"), "{\"id\":\"x\"}");
      server.post(docs("default", "notes"), "{\"id\":\"c\"}");
      Sse resumed = open(server, "/realtime/v1/databases/default/sse?collection=notes", server.token, Long.toString(lastId));
      assertThat(resumed.response().statusCode()).isEqualTo(200);
      assertThat(deltaId(resumed.event())).isEqualTo("notes/b");
      assertThat(deltaId(resumed.event())).isEqualTo("notes/c");
      server.post(docs("default", "notes"), "{\"id\":\"d\"}");
      assertThat(deltaId(resumed.event())).isEqualTo("notes/d");
      resumed.response().body().close();
    }
  }

  @Test
  void aDeleteCarriesTheTombstoneAndALeaveTheDocumentAsItNowIs() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      server.post(docs("default", "tasks"), "{\"id\":\"t\",\"done\":false}");
      server.post(docs("default", "tasks"), "{\"id\":\"u\",\"done\":false}");
      String filters = URLEncoder.encode("[{\"field\":\"done\",\"op\":\"==\",\"value\":false}]", StandardCharsets.UTF_8);
      Sse sse = open(server, "/realtime/sse?database=default&collection=tasks&filters=" + filters, server.token, null);
      assertThat(sse.line()).isEqualTo(": connected");
      server.patch(docs("default", "tasks/t"), "{\"doc\":{\"done\":true}}");
      server.delete(docs("default", "tasks/u"), null);
      MapValue left = delta(sse.event());
      assertThat(left.get("type")).isEqualTo(new StringValue("delete"));
      assertThat(left.get("reason")).isEqualTo(new StringValue("left"));
      assertThat(((MapValue) left.get("document")).get("done")).isEqualTo(BooleanValue.TRUE);
      MapValue deleted = delta(sse.event());
      assertThat(deleted.get("type")).isEqualTo(new StringValue("delete"));
      assertThat(deleted.get("reason")).isEqualTo(new StringValue("deleted"));
      assertThat(((MapValue) deleted.get("document")).get("deleted")).isEqualTo(BooleanValue.TRUE);
      assertThat(((MapValue) deleted.get("document")).get("version")).isEqualTo(IntegerValue.of(2));
      sse.response().body().close();
    }
  }

  private static MapValue delta(Object[] event) {
    return (MapValue) ((MapValue) ((MapValue) event[1]).get("payload")).get("delta");
  }

  @Test
  void filtersApplyAndBadRequestsAreJsonErrors() throws Exception {
    try (TestServer server = new TestServer(dir)) {
      String filters = URLEncoder.encode("[{\"field\":\"level\",\"op\":\">=\",\"value\":3}]", StandardCharsets.UTF_8);
      Sse sse = open(server, "/realtime/sse?database=default&collection=alerts&filters=" + filters, server.token, null);
      assertThat(sse.line()).isEqualTo(": connected");
      server.post(docs("default", "alerts"), "{\"id\":\"low\",\"level\":1}");
      server.post(docs("default", "alerts"), "{\"id\":\"high\",\"level\":5}");
      assertThat(deltaId(sse.event())).isEqualTo("alerts/high");
      sse.response().body().close();

      assertThat(open(server, "/realtime/sse?database=default&collection=alerts", null, null).response().statusCode())
          .isEqualTo(401);
      assertThat(open(server, "/realtime/sse?database=nope&collection=alerts", server.token, null).response().statusCode())
          .isEqualTo(404);
      assertThat(open(server, "/realtime/sse?database=default", server.token, null).response().statusCode()).isEqualTo(400);
      assertThat(open(server, "/realtime/sse?database=default&collection=a&filters=%5B", server.token, null).response()
          .statusCode()).isEqualTo(400);
      server.createDatabase("closed-db");
      String stranger = server.signup("stranger", "Stranger-Pass-1");
      assertThat(open(server, "/realtime/sse?database=closed-db&collection=a", stranger, null).response().statusCode())
          .as("the rules decide list").isEqualTo(403);
    }
  }
}
