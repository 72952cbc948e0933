package io.syntrix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TcpTableTest {
  @Test
  void readsBothEndsOfALoopbackConnectionAndSkipsTheRest() {
    Map<Long, TcpTable.Socket> sockets = new HashMap<>();
    int server = 0x1F90; // 8080
    TcpTable.parse("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid", server, sockets);
    TcpTable.parse("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000010 00:00000000 00000000 0 0 1 1", server, sockets);
    TcpTable.parse("   1: 0100007F:1F90 0100007F:D2A4 04 003D0900:00000000 01:00000010 00000000 0 0 0 1", server, sockets);
    TcpTable.parse("   2: 0100007F:D2A4 0100007F:1F90 01 00000000:0001F400 00:00000000 00000000 0 0 2 1", server, sockets);
    TcpTable.parse("   3: 0100007F:0050 0100007F:D2A5 01 00000100:00000000 00:00000000 00000000 0 0 3 1", server, sockets);
    // IPv6 (a v4-mapped address), as a dual-stack JVM socket shows up
    TcpTable.parse("   0: 0000000000000000FFFF00000100007F:D2A6 0000000000000000FFFF00000100007F:1F90 01 "
        + "00000000:00000000 00:00000000 00000000 0 0 4 1", server, sockets);

    TcpTable.Socket serverEnd = sockets.get(((long) server << 16) | 0xD2A4);
    assertThat(serverEnd.state()).isEqualTo(0x04); // FIN_WAIT1: the server closed, its FIN waits behind data
    assertThat(serverEnd.established()).isFalse();
    assertThat(serverEnd.txQueue()).isEqualTo(0x3D0900);
    TcpTable.Socket clientEnd = sockets.get((0xD2A4L << 16) | server);
    assertThat(clientEnd.established()).isTrue();
    assertThat(clientEnd.rxQueue()).isEqualTo(0x1F400);
    assertThat(sockets.get((0xD2A6L << 16) | server)).isNotNull();
    assertThat(sockets).hasSize(4); // the listener, both ends, the IPv6 one; not port 80's
  }

  @Test
  void theLiveTableCanBeRead() {
    assertThat(TcpTable.read(1)).isNotNull(); // empty or not, never throws
  }
}
