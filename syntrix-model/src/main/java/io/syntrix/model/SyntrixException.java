package io.syntrix.model;

/** Root of every error Syntrix reports on purpose; the code decides the wire response. */
public class SyntrixException extends RuntimeException {
  private final ErrorCode code;

  public SyntrixException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public SyntrixException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** Extra detail for the wire body (e.g. per-field validation errors as {@code "errors"}); null when none. */
  public Value details() {
    return null;
  }
}
