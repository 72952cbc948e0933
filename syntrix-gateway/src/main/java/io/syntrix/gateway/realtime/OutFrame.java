package io.syntrix.gateway.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * One message on its way to a client: {@code head}, then (for events) the delta bytes shared by
 * every recipient of the change and a constant tail. Nothing is copied per recipient: the bytes
 * are wrapped, not concatenated, when the frame is written (D2).
 *
 * @param head   a whole control message, or an event envelope's per-subscription start
 * @param shared an event's delta, the same array for every recipient; null for control messages
 * @param seq    the change's seq for events (SSE writes it as the event id); -1 otherwise, or
 *               {@link #COMMENT} for an SSE comment line
 */
record OutFrame(byte[] head, byte[] shared, long seq) {
  static final byte[] EVENT_TAIL = "}}".getBytes(StandardCharsets.US_ASCII);

  /** The seq of an SSE comment (heartbeat): written as it is, not as a {@code data:} message. */
  static final long COMMENT = -2;

  static OutFrame control(byte[] message) {
    return new OutFrame(message, null, -1);
  }

  /** Bytes on the wire, the unit every budget on the way to a client counts. */
  int size() {
    return shared == null ? head.length : head.length + shared.length + EVENT_TAIL.length;
  }

  /** The message as one buffer over the original arrays (no copy). */
  ByteBuf content() {
    return shared == null ? Unpooled.wrappedBuffer(head) : Unpooled.wrappedBuffer(head, shared, EVENT_TAIL);
  }
}
