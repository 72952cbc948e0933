package io.syntrix.model;

/**
 * Input that can never be accepted as sent: a bad path, a malformed or oversized document, an
 * unknown operator. Thrown before anything is written.
 */
public final class InvalidInputException extends SyntrixException {
  public InvalidInputException(String message) {
    super(ErrorCode.BAD_REQUEST, message);
  }

  private InvalidInputException(ErrorCode code, String message) {
    super(code, message);
  }

  public static InvalidInputException tooLarge(String message) {
    return new InvalidInputException(ErrorCode.PAYLOAD_TOO_LARGE, message);
  }

  /** Precondition helper: throws with {@code message} when {@code ok} is false. */
  public static void check(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException(message);
    }
  }
}
