package io.syntrix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RawWebSocketTest {
  @Test
  void acceptKeyIsTheRfcExample() {
    assertThat(RawWebSocket.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  @Test
  void upgradesThenReadsFragmentsPingsLongMessagesAndClose() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<byte[]> firstClientFrame = new CompletableFuture<>();
      Thread server = Thread.ofPlatform().start(() -> serve(listener, firstClientFrame));
      try (RawWebSocket ws = RawWebSocket.open("127.0.0.1", listener.getLocalPort(), "/realtime/ws", 5000, 16)) {
        ws.sendText("{\"type\":\"auth\"}");
        RawWebSocket.Message joined = ws.read(); // "hello" + " world" in two fragments, a ping between them
        assertThat(joined.opcode()).isEqualTo(1);
        assertThat(joined.head()).isEqualTo("hello world");
        assertThat(joined.whole()).isTrue();
        RawWebSocket.Message big = ws.read(); // 70,000 bytes: 64-bit length, only 16 kept
        assertThat(big.length()).isEqualTo(70_000);
        assertThat(big.head()).hasSize(16);
        assertThat(big.whole()).isFalse();
        RawWebSocket.Message close = ws.read();
        assertThat(close.isClose()).isTrue();
        assertThat(close.closeCode()).isEqualTo(1008);
      }
      server.join(5000);
      byte[] frame = firstClientFrame.get();
      assertThat(frame[0] & 0xFF).isEqualTo(0x81); // FIN + text
      assertThat(frame[1] & 0x80).isEqualTo(0x80); // masked, as a client must
    }
  }

  private static void serve(ServerSocket listener, CompletableFuture<byte[]> firstClientFrame) {
    try (Socket s = listener.accept()) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      String key = null;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase().startsWith("sec-websocket-key:")) {
          key = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      OutputStream out = s.getOutputStream();
      out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + RawWebSocket.accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      char[] header = new char[2];
      in.read(header, 0, 2); // the client's first frame header (the reader already buffered it)
      firstClientFrame.complete(new byte[] {(byte) header[0], (byte) header[1]});
      out.write(new byte[] {0x01, 5, 'h', 'e', 'l', 'l', 'o'}); // text, not final
      out.write(new byte[] {(byte) 0x89, 1, 'p'}); // ping in between
      out.write(new byte[] {(byte) 0x80, 6, ' ', 'w', 'o', 'r', 'l', 'd'}); // continuation, final
      byte[] big = new byte[70_000];
      java.util.Arrays.fill(big, (byte) 'x');
      out.write(new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70}); // binary, 70,000
      out.write(big);
      out.write(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xF0}); // close 1008
      out.flush();
      Thread.sleep(200);
    } catch (Exception e) {
      firstClientFrame.completeExceptionally(e);
    }
  }
}
