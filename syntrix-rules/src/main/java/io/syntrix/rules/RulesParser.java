package io.syntrix.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the YAML rules format into compiled {@link MatchBlock}s. Every problem is a load error
 * naming where it is ({@code match /databases/{database}/documents/users/{userId}, allow
 * 'read, write'}); nothing about a loaded rule set can fail to compile later.
 *
 * <pre>
 * rules_version: '1'           # required: '1' or '2' (same semantics)
 * service: syntrix             # optional, informational
 * database: default            # optional, informational
 * match:
 *   /databases/{database}/documents:
 *     match:
 *       /users/{userId}:
 *         allow:
 *           read, write: "request.auth.userId == userId"     # one condition
 *           delete:                                          # or several, OR-ed
 *             - "'admin' in request.auth.roles"
 *             - "resource.data.owner == request.auth.userId"
 *         match: { ... nested blocks ... }
 * </pre>
 */
final class RulesParser {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> TOP_KEYS = Set.of("rules_version", "service", "database", "match");
  private static final Set<String> BLOCK_KEYS = Set.of("allow", "match");

  private final CelSupport cel = new CelSupport();

  static RuleSet parse(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      throw RuleSet.invalid("the rules are empty");
    }
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw RuleSet.invalid("not valid YAML" + (at == null ? "" : " at line " + at.getLineNr() + ", column "
          + at.getColumnNr()) + ": " + e.getOriginalMessage());
    }
    return new RulesParser().ruleSet(yaml, root);
  }

  private RuleSet ruleSet(String yaml, JsonNode root) {
    check(root != null && root.isObject(), "the rules must be a YAML mapping with rules_version and match");
    for (String key : iterable(root.fieldNames())) {
      check(TOP_KEYS.contains(key), "unknown top-level key '" + key + "' (expected rules_version, service, database, match)");
    }
    String version = scalar(root.get("rules_version"), "rules_version");
    check(version != null, "rules_version is missing (use rules_version: '1')");
    check(version.equals("1") || version.equals("2"), "rules_version must be '1' or '2', not '" + version + "'");
    String service = scalar(root.get("service"), "service");
    String database = scalar(root.get("database"), "database");
    JsonNode match = root.get("match");
    check(match != null && match.isObject() && !match.isEmpty(),
        "top-level 'match' must map /databases/{database}/documents to its blocks");
    List<MatchBlock> roots = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : iterable(match.fields())) {
      check(e.getKey().startsWith("/databases/"), "top-level match '" + e.getKey()
          + "' must start with /databases/ (e.g. /databases/{database}/documents)");
      roots.add(block(e.getKey(), e.getValue(), "", List.of()));
    }
    return new RuleSet(yaml, version, service, database, sorted(roots));
  }

  private MatchBlock block(String text, JsonNode node, String parentFull, List<String> parentVariables) {
    PathPattern pattern = PathPattern.parse(text,
        "match '" + text + "'" + (parentFull.isEmpty() ? "" : " under " + parentFull));
    String full = parentFull + text;
    String where = "match " + full;
    List<String> variables = new ArrayList<>(parentVariables);
    for (String v : pattern.variableNames()) {
      check(!variables.contains(v), where + ": variable '" + v + "' is already bound by an enclosing match");
      variables.add(v);
    }
    check(node != null && node.isObject() && !node.isEmpty(), where + ": needs 'allow' and/or 'match'");
    for (String key : iterable(node.fieldNames())) {
      check(BLOCK_KEYS.contains(key), where + ": unknown key '" + key + "' (expected allow or match)");
    }
    MatchBlock.Condition[][] allow = allow(node.get("allow"), where, variables);
    List<MatchBlock> children = new ArrayList<>();
    JsonNode match = node.get("match");
    if (match != null) {
      check(match.isObject() && !match.isEmpty(), where + ": 'match' must map patterns to blocks");
      for (Map.Entry<String, JsonNode> e : iterable(match.fields())) {
        children.add(block(e.getKey(), e.getValue(), full, variables));
      }
    }
    return new MatchBlock(pattern, full, sorted(children), allow);
  }

  private MatchBlock.Condition[][] allow(JsonNode node, String where, List<String> variables) {
    List<List<MatchBlock.Condition>> byAction = new ArrayList<>();
    for (int i = 0; i < Action.values().length; i++) {
      byAction.add(new ArrayList<>());
    }
    if (node != null) {
      check(node.isObject() && !node.isEmpty(), where + ": 'allow' must map actions to conditions");
      for (Map.Entry<String, JsonNode> e : iterable(node.fields())) {
        String key = e.getKey();
        String at = where + ", allow '" + key + "'";
        Set<Action> actions = actions(key, at);
        List<String> sources = conditions(e.getValue(), at);
        for (int i = 0; i < sources.size(); i++) {
          String label = sources.size() == 1 ? "condition" : "condition " + (i + 1);
          String src = sources.get(i);
          CelRuntime.Program program = cel.compile(src, variables, at + ": " + label + " '" + src + "'");
          var condition = new MatchBlock.Condition(label + " '" + src + "'", program,
              Decision.allow("allowed by " + where + ", allow '" + key + "' " + label));
          for (Action a : actions) {
            byAction.get(a.ordinal()).add(condition);
          }
        }
      }
    }
    MatchBlock.Condition[][] out = new MatchBlock.Condition[byAction.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = byAction.get(i).toArray(MatchBlock.Condition[]::new);
    }
    return out;
  }

  /** {@code "read, write"} → {get, list, create, update, delete}. */
  private static Set<Action> actions(String key, String where) {
    Set<Action> actions = EnumSet.noneOf(Action.class);
    for (String name : key.split(",", -1)) {
      String n = name.trim();
      Set<Action> named = Action.fromRuleName(n);
      check(!named.isEmpty(), where + ": unknown action '" + n
          + "' (expected read, write, get, list, create, update, delete)");
      actions.addAll(named);
    }
    return actions;
  }

  /** A condition string, or a non-empty list of them; YAML booleans stand for "true"/"false". */
  private static List<String> conditions(JsonNode node, String where) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isArray()) {
      check(!node.isEmpty(), where + ": the list of conditions is empty");
      for (JsonNode n : node) {
        out.add(condition(n, where));
      }
    } else {
      out.add(condition(node, where));
    }
    return out;
  }

  private static String condition(JsonNode node, String where) {
    check(node != null && !node.isNull(), where + ": has no condition"
        + " (in a flow mapping like { read, write: ... } 'read' is a key of its own; use block style)");
    check(node.isTextual() || node.isBoolean(), where + ": a condition must be a string (a CEL expression), not "
        + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    String text = node.asText().trim();
    check(!text.isEmpty(), where + ": a condition is empty");
    return text;
  }

  private static String scalar(JsonNode node, String key) {
    if (node == null || node.isNull()) {
      return null;
    }
    check(node.isValueNode(), "'" + key + "' must be a plain value");
    return node.asText();
  }

  private static List<MatchBlock> sorted(List<MatchBlock> blocks) {
    blocks.sort((a, b) -> PathPattern.ORDER.compare(a.pattern, b.pattern));
    return blocks;
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw RuleSet.invalid(message);
    }
  }
}
