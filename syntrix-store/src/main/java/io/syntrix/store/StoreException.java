package io.syntrix.store;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;

/** A write or read the store refused or could not carry out; the code maps onto the wire error. */
public class StoreException extends SyntrixException {
  public StoreException(ErrorCode code, String message) {
    super(code, message);
  }

  public StoreException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }

  public static StoreException notFound(String database, DocumentPath path) {
    return new StoreException(ErrorCode.NOT_FOUND, "document '" + path + "' not found in database '" + database + "'");
  }

  public static StoreException alreadyExists(String database, DocumentPath path) {
    return new StoreException(ErrorCode.CONFLICT, "document '" + path + "' already exists in database '" + database + "'");
  }

  public static StoreException preconditionFailed(String database, DocumentPath path) {
    return new StoreException(ErrorCode.PRECONDITION_FAILED,
        "ifMatch precondition failed for document '" + path + "' in database '" + database + "'");
  }

  /** A {@link Write.Judged} whose document changed after the rules allowed it. */
  public static Changed changed(String database, DocumentPath path, long judged, long now) {
    return new Changed("document '" + path + "' in database '" + database + "' changed while the request was"
        + " being authorised (version " + judged + " was checked, " + now + " is stored); try again");
  }

  /** The document changed between the rules' check and the write; judging it again may give another answer. */
  public static final class Changed extends StoreException {
    Changed(String message) {
      super(ErrorCode.CONFLICT, message);
    }
  }

  /** The write queue is full: nothing was queued; the caller should answer 503 and let the client retry. */
  public static Busy busy(int queued) {
    return new Busy("the store's write queue is full (" + queued + " writes waiting); retry shortly");
  }

  /** Refused at once because the store is saturated; retrying a moment later is expected to work. */
  public static final class Busy extends StoreException {
    Busy(String message) {
      super(ErrorCode.UNAVAILABLE, message);
    }
  }

  public static StoreException unavailable(String message, Throwable cause) {
    return new StoreException(ErrorCode.UNAVAILABLE, message, cause);
  }
}
