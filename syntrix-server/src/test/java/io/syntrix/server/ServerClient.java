package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.StringValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real client of one running server for the server module's tests: JSON requests with an
 * optional bearer token, a login, and a realtime WebSocket whose frames queue up as parsed JSON.
 */
final class ServerClient {
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** {@code base}: {@code http://host:port}. */
  ServerClient(String base) {
    this.base = base;
  }

  HttpResponse<String> send(String method, String path, String body, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }

  /** Logs in and returns the access token. */
  String login(String username, String password) {
    HttpResponse<String> login = send("POST", "/auth/v1/login",
        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}", null);
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return ((StringValue) ((MapValue) Json.parse(login.body())).get("access_token")).value();
  }

  /** A realtime WebSocket authenticated with {@code token} on {@code database} (its auth_ack taken). */
  Realtime realtime(String token, String database) throws InterruptedException {
    BlockingQueue<MapValue> frames = new LinkedBlockingQueue<>();
    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "/realtime/ws"),
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              frames.add((MapValue) Json.parse(text.toString()));
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).join();
    Realtime realtime = new Realtime(socket, frames);
    realtime.send("{\"id\":\"auth-init\",\"type\":\"auth\",\"payload\":{\"token\":\"" + token
        + "\",\"database\":\"" + database + "\"}}");
    assertThat(realtime.next().get("type")).isEqualTo(new StringValue("auth_ack"));
    return realtime;
  }

  /** A realtime connection: its socket and the frames received, in order. */
  record Realtime(WebSocket socket, BlockingQueue<MapValue> frames) {
    void send(String frame) {
      socket.sendText(frame, true).join();
    }

    /** The next frame, which must come within 10 s. */
    MapValue next() throws InterruptedException {
      MapValue f = frames.poll(10, TimeUnit.SECONDS);
      assertThat(f).as("a frame within 10 s").isNotNull();
      return f;
    }
  }
}
