package io.syntrix.gateway.realtime;

/**
 * Tunables of the realtime gateway: flow control (D12), catch-up, limits and heartbeats. The
 * defaults suit a 2-core, 24 GiB machine serving a few thousand connections; docs/design/realtime.md
 * explains each bound and what it costs.
 *
 * @param maxPendingBytes        bytes a connection may have queued or in the transport before it is
 *                               cut off as a slow consumer (4 MiB): what a stalled client can pin
 * @param maxPendingFrames       the same bound in frames (10,000)
 * @param transportWindowBytes   bytes handed to Vert.x/Netty at a time per connection (256 KiB)
 * @param maxHeldBytes           live events held per connection while its subscriptions catch up
 *                               (1 MiB); beyond it they are re-read from the change log
 * @param catchUpLowWaterBytes   a catch-up adds its next page only when the connection's pending
 *                               bytes are at most this (512 KiB)
 * @param catchUpPageBytes       a snapshot or replay page stops growing at this many bytes (256 KiB;
 *                               less when the budget is small, see {@link #pageBytes()})
 * @param maxResumeChanges       a {@code resumeAfter} further back than this many changes is
 *                               answered with a reset snapshot instead of a replay (10,000)
 * @param stallMillis            a connection with bytes pending whose transport wrote nothing for
 *                               this long is cut off as a slow consumer (30 s)
 * @param maxSubscriptionsPerConnection (100)
 * @param maxConnectionsPerUser  WebSocket and SSE connections of one user (256; 0: no limit)
 * @param maxConnectionsPerIp    WebSocket and SSE connections from one client address (1,024; 0: no limit)
 * @param messagesPerSecond      inbound WebSocket messages per second per connection (50), with a
 *                               burst of twice that; beyond it the connection's reading is paused
 * @param authDeadlineMillis     a WebSocket that has not authenticated by then is closed (10 s)
 * @param wsHeartbeatMillis      WebSocket heartbeat message and ping period (30 s)
 * @param sseHeartbeatMillis     SSE comment heartbeat period (15 s)
 * @param catchUpBytesPerSecond  what all catch-ups together may send per second (32 MiB/s; 0: no
 *                               limit), so a storm of snapshots and replays leaves CPU and memory
 *                               to live delivery
 */
public record RealtimeOptions(long maxPendingBytes, int maxPendingFrames, long transportWindowBytes, long maxHeldBytes,
                              long catchUpLowWaterBytes, long catchUpPageBytes, long maxResumeChanges,
                              long stallMillis, int maxSubscriptionsPerConnection, int maxConnectionsPerUser,
                              int maxConnectionsPerIp, int messagesPerSecond, long authDeadlineMillis,
                              long wsHeartbeatMillis, long sseHeartbeatMillis, long catchUpBytesPerSecond) {
  public RealtimeOptions {
    if (maxPendingBytes < 64 * 1024 || maxPendingFrames < 16 || transportWindowBytes < 1024 || maxHeldBytes < 0
        || catchUpLowWaterBytes < 0 || catchUpLowWaterBytes >= maxPendingBytes || catchUpPageBytes < 1024
        || maxResumeChanges < 0 || stallMillis < 100 || maxSubscriptionsPerConnection < 1 || maxConnectionsPerUser < 0
        || maxConnectionsPerIp < 0 || messagesPerSecond < 1 || authDeadlineMillis < 1 || wsHeartbeatMillis < 1
        || sseHeartbeatMillis < 1 || catchUpBytesPerSecond < 0) {
      throw new IllegalArgumentException("realtime options out of range: " + this);
    }
  }

  /**
   * The bytes a snapshot or replay page may grow to: the configured size, but never so much that a
   * page on top of the low-water mark could not fit the connection's budget with room for live events.
   */
  public long pageBytes() {
    return Math.max(1024, Math.min(catchUpPageBytes, (maxPendingBytes - catchUpLowWaterBytes) / 2));
  }

  public static RealtimeOptions defaults() {
    return new RealtimeOptions(4L << 20, 10_000, 256L << 10, 1L << 20, 512L << 10, 256L << 10, 10_000, 30_000, 100,
        256, 1024, 50, 10_000, 30_000, 15_000, 32L << 20);
  }

  public RealtimeOptions withMaxPendingBytes(long bytes) {
    return new RealtimeOptions(bytes, maxPendingFrames, transportWindowBytes, maxHeldBytes,
        Math.min(catchUpLowWaterBytes, bytes / 2), catchUpPageBytes, maxResumeChanges, stallMillis,
        maxSubscriptionsPerConnection, maxConnectionsPerUser, maxConnectionsPerIp, messagesPerSecond,
        authDeadlineMillis, wsHeartbeatMillis, sseHeartbeatMillis, catchUpBytesPerSecond);
  }

  public RealtimeOptions withMaxPendingFrames(int frames) {
    return new RealtimeOptions(maxPendingBytes, frames, transportWindowBytes, maxHeldBytes, catchUpLowWaterBytes,
        catchUpPageBytes, maxResumeChanges, stallMillis, maxSubscriptionsPerConnection, maxConnectionsPerUser,
        maxConnectionsPerIp, messagesPerSecond, authDeadlineMillis, wsHeartbeatMillis, sseHeartbeatMillis, catchUpBytesPerSecond);
  }

  public RealtimeOptions withMaxResumeChanges(long changes) {
    return new RealtimeOptions(maxPendingBytes, maxPendingFrames, transportWindowBytes, maxHeldBytes,
        catchUpLowWaterBytes, catchUpPageBytes, changes, stallMillis, maxSubscriptionsPerConnection,
        maxConnectionsPerUser, maxConnectionsPerIp, messagesPerSecond, authDeadlineMillis, wsHeartbeatMillis,
        sseHeartbeatMillis, catchUpBytesPerSecond);
  }

  public RealtimeOptions withLimits(int subscriptionsPerConnection, int connectionsPerUser, int connectionsPerIp,
                                    int messagesPerSecond, long authDeadlineMillis) {
    return new RealtimeOptions(maxPendingBytes, maxPendingFrames, transportWindowBytes, maxHeldBytes,
        catchUpLowWaterBytes, catchUpPageBytes, maxResumeChanges, stallMillis, subscriptionsPerConnection,
        connectionsPerUser, connectionsPerIp, messagesPerSecond, authDeadlineMillis, wsHeartbeatMillis,
        sseHeartbeatMillis, catchUpBytesPerSecond);
  }

  public RealtimeOptions withStallMillis(long millis) {
    return new RealtimeOptions(maxPendingBytes, maxPendingFrames, transportWindowBytes, maxHeldBytes,
        catchUpLowWaterBytes, catchUpPageBytes, maxResumeChanges, millis, maxSubscriptionsPerConnection,
        maxConnectionsPerUser, maxConnectionsPerIp, messagesPerSecond, authDeadlineMillis, wsHeartbeatMillis,
        sseHeartbeatMillis, catchUpBytesPerSecond);
  }

  public RealtimeOptions withHeartbeats(long wsMillis, long sseMillis) {
    return new RealtimeOptions(maxPendingBytes, maxPendingFrames, transportWindowBytes, maxHeldBytes,
        catchUpLowWaterBytes, catchUpPageBytes, maxResumeChanges, stallMillis, maxSubscriptionsPerConnection,
        maxConnectionsPerUser, maxConnectionsPerIp, messagesPerSecond, authDeadlineMillis, wsMillis, sseMillis, catchUpBytesPerSecond);
  }

  public RealtimeOptions withCatchUpBytesPerSecond(long bytesPerSecond) {
    return new RealtimeOptions(maxPendingBytes, maxPendingFrames, transportWindowBytes, maxHeldBytes,
        catchUpLowWaterBytes, catchUpPageBytes, maxResumeChanges, stallMillis, maxSubscriptionsPerConnection,
        maxConnectionsPerUser, maxConnectionsPerIp, messagesPerSecond, authDeadlineMillis, wsHeartbeatMillis,
        sseHeartbeatMillis, bytesPerSecond);
  }
}
