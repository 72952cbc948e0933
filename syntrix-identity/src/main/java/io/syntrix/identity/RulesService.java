package io.syntrix.identity;

import io.syntrix.model.Document;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;

/**
 * Decides, per logical database, whether a request passes its security rules (D10).
 *
 * <p>Interim policy until the CEL rule sets are wired: the {@code default} database lets any
 * signed-in user read and write; every other database denies everyone (its owner and database
 * admins are let through before rules are consulted).
 */
public final class RulesService {
  /** The rule actions of D10. */
  public enum Action { GET, LIST, CREATE, UPDATE, DELETE }

  /** One access to judge; {@code existing} is the stored document (null if none), {@code query} set for LIST. */
  public record Request(LogicalDatabase database, Principal principal, Action action, String path, MapValue newData,
                        Document existing, Query query) {}

  /** Allowed or not, and why (for logs). */
  public record Decision(boolean allowed, String reason) {}

  public Decision check(Request r) {
    if (DatabaseService.DEFAULT_SLUG.equals(r.database().slug())) {
      return r.principal() != null ? new Decision(true, "default rules: signed in")
          : new Decision(false, "default rules: sign in first");
    }
    return new Decision(false, "database has no rules");
  }
}
