package io.syntrix.bench.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client on a plain {@link Socket}, for clients that must stop reading for real. A
 * Vert.x or Netty client that is paused still has its own buffers and may keep reading into them;
 * here nothing reads the kernel socket unless {@link #read} is called, so once the caller stops,
 * the server meets TCP back-pressure: our receive buffer fills, then its send buffer, then its
 * own write queue.
 *
 * <p>Only what the load tool needs: the RFC 6455 upgrade, masked text frames out, and messages
 * in (fragments joined, pings answered while reading, close frames reported). A message's first
 * {@code keep} bytes are kept as text and its length counted, so reading an unbounded backlog
 * costs no memory. One thread at a time.
 */
final class RawWebSocket implements AutoCloseable {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A message read: its opcode (1 text, 2 binary, 8 close), length, and its first bytes as text. */
  record Message(int opcode, long length, String head, boolean whole, int closeCode) {
    boolean isClose() {
      return opcode == 8;
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int keep;
  private long bytesRead;

  private RawWebSocket(Socket socket, int keep) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 8192);
    this.out = socket.getOutputStream();
    this.keep = keep;
  }

  /** Connects and upgrades; reads time out after {@code timeoutMs} until {@link #timeout} changes it. */
  static RawWebSocket open(String host, int port, String path, int timeoutMs, int keep) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      RawWebSocket ws = new RawWebSocket(socket, keep);
      ws.upgrade(host, port, path);
      return ws;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void upgrade(String host, int port, String path) throws IOException {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
    }
    if (!head.toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-accept: " + accept(key).toLowerCase(java.util.Locale.ROOT))) {
      throw new IOException("upgrade answered without the right Sec-WebSocket-Accept");
    }
  }

  /** The response head, up to the empty line, at most 8 KiB. */
  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the upgrade");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 8192) {
        throw new IOException("upgrade response head over 8 KiB");
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends one masked text frame, as a client must. */
  void sendText(String text) throws IOException {
    sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  private void sendFrame(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Read timeout from now on (0 = wait forever). */
  void timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /**
   * The next data or close message; pings are answered and skipped. Throws
   * {@link java.net.SocketTimeoutException} when nothing arrives in time, {@link EOFException} at
   * the end of the stream.
   */
  Message read() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    long length = 0;
    int opcode = -1;
    while (true) {
      int b0 = readByte();
      int b1 = readByte();
      boolean fin = (b0 & 0x80) != 0;
      int op = b0 & 0x0F;
      long len = b1 & 0x7F;
      if (len == 126) {
        len = ((long) readByte() << 8) | readByte();
      } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | readByte();
        }
      }
      byte[] mask = null;
      if ((b1 & 0x80) != 0) { // servers do not mask, but tolerate it
        mask = new byte[] {(byte) readByte(), (byte) readByte(), (byte) readByte(), (byte) readByte()};
      }
      if (op >= 0x8) { // control frames are never fragmented and may come between fragments
        byte[] payload = readPayload(len, mask);
        if (op == 0x9) {
          sendFrame(0xA, payload);
          continue;
        }
        if (op == 0x8) {
          int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
          return new Message(8, payload.length, "", true, code);
        }
        continue; // pong
      }
      if (opcode < 0) {
        opcode = op;
      }
      long keepNow = Math.max(0, Math.min(len, keep - head.size()));
      head.writeBytes(readPayload(keepNow, mask));
      skip(len - keepNow);
      length += len;
      if (fin) {
        return new Message(opcode, length, head.toString(StandardCharsets.UTF_8), length <= keep, -1);
      }
    }
  }

  private byte[] readPayload(long len, byte[] mask) throws IOException {
    byte[] payload = in.readNBytes((int) len);
    if (payload.length < len) {
      throw new EOFException("connection closed inside a frame");
    }
    bytesRead += len;
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return payload;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long skipped = in.skip(n);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("connection closed inside a frame");
        }
        skipped = 1;
      }
      n -= skipped;
      bytesRead += skipped;
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("end of stream");
    }
    bytesRead++;
    return b;
  }

  /** Payload bytes (and frame headers) read so far. */
  long bytesRead() {
    return bytesRead;
  }

  int localPort() {
    return socket.getLocalPort();
  }

  /** Closes at once with a TCP reset, discarding whatever is unread, so the server frees the connection now. */
  void reset() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // closing anyway
    }
    close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }
}
