package io.syntrix.store;

import io.syntrix.model.ErrorCode;

/**
 * A reader asked for changes that retention has already purged: it cannot resume and must start
 * again from a fresh snapshot.
 */
public final class ChangeLogTruncatedException extends StoreException {
  private final long requestedAfter;
  private final long firstRetainedSeq;

  public ChangeLogTruncatedException(long requestedAfter, long firstRetainedSeq) {
    super(ErrorCode.CONFLICT, "changes after seq " + requestedAfter + " are no longer retained (oldest retained seq is "
        + firstRetainedSeq + ")");
    this.requestedAfter = requestedAfter;
    this.firstRetainedSeq = firstRetainedSeq;
  }

  public long requestedAfter() {
    return requestedAfter;
  }

  public long firstRetainedSeq() {
    return firstRetainedSeq;
  }
}
