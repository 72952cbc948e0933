package io.syntrix.identity;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.rules.Auth;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * How a caller meets a database's rules, the same on every access path (REST, queries,
 * replication, realtime): the database's owner and its database admins pass without rules;
 * everyone else is judged as {@link #auth} describes them.
 */
public final class RuleAccess {
  private RuleAccess() {}

  /** Owners and database admins bypass the rules of their database. */
  public static boolean bypassesRules(LogicalDatabase db, Principal principal) {
    return principal != null && (db.ownerId().equals(principal.userId()) || principal.dbAdmin().contains(db.id()));
  }

  /** {@code request.auth} for a caller (anonymous when null), token claims included. */
  public static Auth auth(Principal principal) {
    return principal == null ? Auth.anonymous() : Auth.of(principal.userId(), principal.username(),
        principal.roles(), principal.dbAdmin(), claims(principal.claims()));
  }

  /** Token claims as rule values; times as RFC 3339 strings, as the original exposed them. */
  private static MapValue claims(Map<String, Object> claims) {
    MapValue.Builder b = MapValue.builder();
    claims.forEach((k, v) -> b.put(k, claimValue(v)));
    return b.build();
  }

  private static Value claimValue(Object v) {
    return switch (v) {
      case null -> NullValue.INSTANCE;
      case String s -> new StringValue(s);
      case Boolean b -> BooleanValue.of(b);
      case Integer i -> IntegerValue.of(i);
      case Long l -> IntegerValue.of(l);
      case Date d -> new StringValue(d.toInstant().toString());
      case List<?> list -> {
        List<Value> out = new ArrayList<>();
        list.forEach(e -> out.add(claimValue(e)));
        yield new ArrayValue(out);
      }
      default -> new StringValue(v.toString());
    };
  }
}
