package io.syntrix.rules;

import io.syntrix.model.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A compiled set of security rules for one database (D10): Firestore-style {@code match}
 * blocks with CEL conditions, loaded from YAML (format in {@link RulesParser}, semantics in
 * {@code docs/design/rules.md}).
 *
 * <p><b>Model.</b> A request is the path {@code /databases/<db>/documents/<path>} plus an
 * action. Starting at the top-level blocks, the first sibling (in {@link PathPattern#ORDER})
 * whose pattern matches a prefix of the remaining segments is taken, its variables are bound,
 * and the rest of the path goes to its nested blocks; there is no fallback to later siblings.
 * When no segment is left the block's {@code allow} conditions for the action decide, OR-ed.
 * A parent's {@code allow} never covers its children. No matching block, no allow for the
 * action, a false condition, an evaluation error or a non-bool result: all deny.
 *
 * <p><b>Lists.</b> A list (query, subscription) of collection {@code c} is matched as the
 * document {@code c/<any id>}: {@code allow list} on {@code match /rooms/{r}/messages/{m}}
 * governs queries on {@code rooms/r1/messages}; {@code m} stays unbound.
 *
 * <p><b>Cost.</b> Every condition is compiled when the rules are parsed; a condition that does
 * not compile fails the whole rule set. {@link #evaluate} compiles nothing: it walks the tree,
 * binds variables and runs prepared CEL programs over views of the request's data.
 *
 * <p><b>Threads.</b> Immutable; {@link #evaluate} may be called from any number of threads at
 * once. It does I/O only through the request's {@link DocumentReader}, when a rule calls
 * {@code get()}/{@code exists()}.
 */
public final class RuleSet {
  /** The most distinct documents one evaluation may read through {@code get()}/{@code exists()}. */
  public static final int MAX_READS = 10;

  private final String yaml;
  private final String rulesVersion;
  private final String service;
  private final String database;
  private final List<MatchBlock> roots;

  RuleSet(String yaml, String rulesVersion, String service, String database, List<MatchBlock> roots) {
    this.yaml = yaml;
    this.rulesVersion = rulesVersion;
    this.service = service;
    this.database = database;
    this.roots = List.copyOf(roots);
  }

  /**
   * Parses and compiles rules.
   *
   * @throws InvalidInputException (400) naming the problem and where it is: bad YAML, an unknown
   *     key or action, a bad pattern, or a condition that does not compile or type-check as bool
   */
  public static RuleSet parse(String yaml) {
    return RulesParser.parse(yaml);
  }

  /** The rules the {@code default} database ships with: any signed-in user may read and write everything. */
  public static RuleSet openToSignedIn() {
    return OpenToSignedIn.RULES;
  }

  private static final class OpenToSignedIn {
    static final RuleSet RULES = parse(resource("open-to-signed-in.yaml"));
  }

  private static String resource(String name) {
    try (InputStream in = RuleSet.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decides one request. Never throws for anything a rule or the reader does: those deny. */
  public Decision evaluate(RuleRequest request) {
    Evaluation ev = new Evaluation(request);
    return walk(roots, segments(request), 0, ev, null);
  }

  private Decision walk(List<MatchBlock> blocks, String[] segments, int from, Evaluation ev, MatchBlock parent) {
    PathPattern.Bindings bindings = ev.bindings;
    for (MatchBlock block : blocks) {
      int mark = bindings.size();
      int next = block.pattern.match(segments, from, bindings);
      if (next < 0) {
        bindings.truncate(mark);
        continue;
      }
      if (next == segments.length) {
        return block.decide(ev);
      }
      return walk(block.children, segments, next, ev, block);
    }
    return Decision.deny("no match for " + describe(ev.request)
        + (parent == null ? "" : " under match " + parent.fullPattern));
  }

  /** {@code databases, <db>, documents, <path segments...>} (+ {@link PathPattern#ANY_ID} for a list). */
  private static String[] segments(RuleRequest request) {
    String path = request.path();
    int count = 1;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        count++;
      }
    }
    boolean list = request.action() == Action.LIST;
    String[] segments = new String[3 + count + (list ? 1 : 0)];
    segments[0] = "databases";
    segments[1] = request.database();
    segments[2] = "documents";
    int start = 0;
    for (int i = 3; i < 3 + count; i++) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      segments[i] = path.substring(start, end);
      start = end + 1;
    }
    if (list) {
      segments[segments.length - 1] = PathPattern.ANY_ID;
    }
    return segments;
  }

  private static String describe(RuleRequest r) {
    return "'" + r.action().wireName() + "' on " + (r.action() == Action.LIST ? "collection " : "") + r.path();
  }

  /** The YAML text these rules were parsed from (for {@code GET /admin/rules}). */
  public String yaml() {
    return yaml;
  }

  public String rulesVersion() {
    return rulesVersion;
  }

  /** The informational {@code service} key, or null. */
  public String service() {
    return service;
  }

  /** The informational {@code database} key, or null. Evaluation uses the request's database. */
  public String database() {
    return database;
  }

  static InvalidInputException invalid(String message) {
    return new InvalidInputException("invalid rules: " + message);
  }

  @Override
  public String toString() {
    return "RuleSet[version=" + rulesVersion + (database == null ? "" : ", database=" + database) + "]";
  }
}
