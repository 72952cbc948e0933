package io.syntrix.server;

import io.syntrix.model.InvalidInputException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What part of a cluster this process plays (issue 12, item 2).
 *
 * @param role      {@link Role#ALL} (standalone: store, streamer and gateway in one process),
 *                  {@link Role#GATEWAY} or {@link Role#STREAMER}
 * @param linkPort  where a streamer serves the link (default 9000; 0 picks a free port)
 * @param streamers the streamers a gateway may link to, {@code host:port}, tried in order
 */
record Cluster(Role role, int linkPort, List<String> streamers) {
  static final Cluster STANDALONE = new Cluster(Role.ALL, 9000, List.of());

  enum Role {
    /** Standalone: today's single process. */
    ALL,
    /** HTTP/WS/SSE on PostgreSQL, realtime from a remote streamer over the link. */
    GATEWAY,
    /** Sequencer candidate and matcher on PostgreSQL's change log, serving the link; no HTTP API. */
    STREAMER;

    static Role parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "all" -> ALL;
        case "gateway" -> GATEWAY;
        case "streamer" -> STREAMER;
        default -> throw new InvalidInputException("role must be 'all', 'gateway' or 'streamer', got '" + s + "'");
      };
    }
  }

  Cluster {
    streamers = List.copyOf(streamers);
  }

  /** Overrides what is non-null: a role, a link port, a comma-separated list of streamer addresses. */
  Cluster with(String role, String linkPort, String streamers) {
    return new Cluster(role != null ? Role.parse(role) : this.role,
        linkPort != null ? parsePort(linkPort) : this.linkPort,
        streamers != null ? parseAddresses(List.of(streamers.split(","))) : this.streamers);
  }

  Cluster withStreamers(List<String> addresses) {
    return new Cluster(role, linkPort, parseAddresses(addresses));
  }

  /** The streamer addresses as socket addresses (unresolved: a name is looked up when dialled). */
  List<InetSocketAddress> streamerAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String a : streamers) {
      int colon = a.lastIndexOf(':');
      out.add(InetSocketAddress.createUnresolved(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
    }
    return out;
  }

  private static List<String> parseAddresses(List<String> addresses) {
    List<String> out = new ArrayList<>();
    for (String raw : addresses) {
      String a = raw.trim();
      if (a.isEmpty()) {
        continue;
      }
      int colon = a.lastIndexOf(':');
      InvalidInputException.check(colon > 0 && colon < a.length() - 1,
          "a streamer address must be host:port, got '" + a + "'");
      int port = parsePort(a.substring(colon + 1));
      InvalidInputException.check(port > 0, "a streamer address needs a port above 0, got '" + a + "'");
      out.add(a);
    }
    return out;
  }

  private static int parsePort(String s) {
    try {
      int port = Integer.parseInt(s.trim());
      InvalidInputException.check(port >= 0 && port <= 65535, "port must be 0..65535, got " + s);
      return port;
    } catch (NumberFormatException e) {
      throw new InvalidInputException("port must be a number, got '" + s + "'");
    }
  }
}
