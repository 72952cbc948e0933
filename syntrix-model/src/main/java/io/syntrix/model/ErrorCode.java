package io.syntrix.model;

/**
 * Stable error codes shared by every module. Each maps onto one HTTP status and one wire
 * code ({@code {"code","message"}}); the REST layer never invents its own.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  PRECONDITION_FAILED(412),
  PAYLOAD_TOO_LARGE(413),
  UNAVAILABLE(503),
  INTERNAL_ERROR(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
