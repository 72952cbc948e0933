package io.syntrix.identity;

import java.util.List;
import java.util.Map;

/**
 * Who is calling, as proven by a verified access token. {@code dbAdmin} lists canonical
 * database ids whose rules this user bypasses.
 */
public record Principal(String userId, String username, List<String> roles, List<String> dbAdmin,
                        Map<String, Object> claims, long expiresAtMillis) {
  public Principal {
    roles = List.copyOf(roles);
    dbAdmin = List.copyOf(dbAdmin);
    claims = Map.copyOf(claims);
  }

  public boolean isAdmin() {
    return roles.contains("admin") || roles.contains("system");
  }
}
