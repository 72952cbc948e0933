package io.syntrix.streamer;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;

/** A streamer operation that cannot be carried out now (a closed or cut-off stream, a stopped streamer). */
public final class StreamerException extends SyntrixException {
  public StreamerException(ErrorCode code, String message) {
    super(code, message);
  }

  static StreamerException streamClosed(String gatewayId, String state) {
    return new StreamerException(ErrorCode.UNAVAILABLE, "the stream of gateway '" + gatewayId + "' is " + state);
  }
}
