package io.syntrix.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's view of the TCP connections to one local port, from {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}: state and queued bytes of both ends. Client and server run on this
 * machine, so both ends of every connection are listed, and a client that never reads can still
 * see whether the server has closed its end (its socket leaves ESTABLISHED even while unsent data
 * keeps the FIN from reaching the client) and how many bytes sit in the two kernels' buffers.
 */
final class TcpTable {
  static final int ESTABLISHED = 0x01;

  /**
   * One socket: {@code txQueue} is what it has sent and not had acknowledged (or not sent yet),
   * {@code rxQueue} what it has received and its process has not read.
   */
  record Socket(int state, long txQueue, long rxQueue) {
    boolean established() {
      return state == ESTABLISHED;
    }
  }

  private final Map<Long, Socket> sockets;

  private TcpTable(Map<Long, Socket> sockets) {
    this.sockets = sockets;
  }

  /** The sockets whose local or remote port is {@code port}; empty when /proc cannot be read. */
  static TcpTable read(int port) {
    Map<Long, Socket> out = new HashMap<>();
    for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        for (String line : Files.readAllLines(Path.of(file))) {
          parse(line, port, out);
        }
      } catch (IOException | RuntimeException e) {
        // no IPv6, or not Linux: the figures that need it say "unknown"
      }
    }
    return new TcpTable(out);
  }

  /** {@code "  0: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 ..."}; headers and other ports are skipped. */
  static void parse(String line, int port, Map<Long, Socket> out) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 5 || !f[0].endsWith(":")) {
      return;
    }
    int local = port(f[1]);
    int remote = port(f[2]);
    if (local != port && remote != port) {
      return;
    }
    int colon = f[4].indexOf(':');
    out.put(key(local, remote), new Socket(Integer.parseInt(f[3], 16), Long.parseLong(f[4].substring(0, colon), 16),
        Long.parseLong(f[4].substring(colon + 1), 16)));
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
  }

  private static long key(int localPort, int remotePort) {
    return ((long) localPort << 16) | remotePort;
  }

  /** The socket bound to {@code localPort} and connected to {@code remotePort}, or null when gone. */
  Socket socket(int localPort, int remotePort) {
    return sockets.get(key(localPort, remotePort));
  }

  boolean isEmpty() {
    return sockets.isEmpty();
  }
}
