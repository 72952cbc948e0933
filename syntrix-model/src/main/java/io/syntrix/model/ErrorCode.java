package io.syntrix.model;

/**
 * Stable error codes shared by every module. Each maps onto one HTTP status and one wire
 * code ({@code {"code","message"}}); the REST layer never invents its own.
 */
public enum ErrorCode {
  BAD_REQUEST(400, "BAD_REQUEST"),
  UNAUTHORIZED(401, "UNAUTHORIZED"),
  FORBIDDEN(403, "FORBIDDEN"),
  NOT_FOUND(404, "NOT_FOUND"),
  METHOD_NOT_ALLOWED(405, "METHOD_NOT_ALLOWED"),
  CONFLICT(409, "CONFLICT"),
  PRECONDITION_FAILED(412, "PRECONDITION_FAILED"),
  PAYLOAD_TOO_LARGE(413, "REQUEST_TOO_LARGE"),
  RATE_LIMITED(429, "RATE_LIMITED"),
  TOO_MANY_CONNECTIONS(429, "TOO_MANY_CONNECTIONS"),
  GONE(410, "GONE"),
  DATABASE_NOT_FOUND(404, "DATABASE_NOT_FOUND"),
  DATABASE_EXISTS(409, "DATABASE_EXISTS"),
  DATABASE_SUSPENDED(403, "DATABASE_SUSPENDED"),
  DATABASE_DELETING(410, "DATABASE_DELETING"),
  PROTECTED_DATABASE(403, "PROTECTED_DATABASE"),
  QUOTA_EXCEEDED(403, "QUOTA_EXCEEDED"),
  INVALID_SLUG(400, "INVALID_SLUG"),
  RESERVED_SLUG(400, "RESERVED_SLUG"),
  SLUG_IMMUTABLE(400, "SLUG_IMMUTABLE"),
  SLUG_EXISTS(409, "SLUG_EXISTS"),
  DISPLAY_NAME_REQUIRED(400, "DISPLAY_NAME_REQUIRED"),
  INTERNAL_ERROR(500, "INTERNAL_ERROR"),
  UNAVAILABLE(503, "UNAVAILABLE");

  private final int httpStatus;
  private final String wireCode;

  ErrorCode(int httpStatus, String wireCode) {
    this.httpStatus = httpStatus;
    this.wireCode = wireCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The {@code code} of the JSON error body (the original system's names, which the SDK knows). */
  public String wireCode() {
    return wireCode;
  }
}
