package io.syntrix.store.postgres;

import io.syntrix.model.ErrorCode;
import io.syntrix.store.StoreException;
import java.sql.SQLException;

/**
 * The one place SQL failures become store errors. The message says what the store was doing and
 * carries PostgreSQL's SQLState, so a log line is enough to tell a dead server from a bug.
 *
 * <p>Retriable (503, the client may try again): connection failures (class 08), a server shutting
 * down or in recovery (57P01-57P03), too many connections (53300), pool timeouts (pgjdbc reports no
 * state), serialization failures and deadlocks (40001, 40P01; writes retry these themselves first),
 * and statement or lock timeouts (57014, 55P03). Anything else is a bug or a broken schema (500).
 */
final class PgErrors {
  static final String SERIALIZATION_FAILURE = "40001";
  static final String DEADLOCK = "40P01";

  private PgErrors() {}

  static StoreException translate(String doing, SQLException e) {
    String state = e.getSQLState();
    String message = doing + " failed (SQLState " + state + "): " + e.getMessage();
    return retriable(state) ? StoreException.unavailable(message, e)
        : new StoreException(ErrorCode.INTERNAL_ERROR, message, e);
  }

  /** True for failures that a later attempt of the same work may not meet. */
  static boolean retriable(String state) {
    return state == null || state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
        || state.equals("57014") || state.equals("55P03") || isConflict(state);
  }

  /** Serialization failure or deadlock: the transaction was rolled back and can simply run again. */
  static boolean isConflict(String state) {
    return SERIALIZATION_FAILURE.equals(state) || DEADLOCK.equals(state);
  }
}
