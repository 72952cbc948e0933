package io.syntrix.rules;

import java.util.Comparator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code match} pattern such as {@code /users/{userId}} or {@code /{document=**}}: literal
 * segments, single-segment variables {@code {x}}, and a trailing recursive variable
 * {@code {x=**}} that takes every remaining segment (at least one).
 *
 * <p>A pattern matches a prefix of the request's segments; what is left over goes to the nested
 * blocks. For a list request the last segment is {@link #ANY_ID}: the collection's documents as a
 * whole. Only a variable matches it, and it stays unbound (a condition that reads it cannot be
 * decided for a whole collection and so denies).
 */
final class PathPattern {
  /** The placeholder id of a list request: matched by variables only, never bound. */
  static final String ANY_ID = null;

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** Names a path variable may not take: the rule variables, the functions and CEL's reserved words. */
  private static final Set<String> RESERVED = Set.of("request", "resource", "get", "exists",
      "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
      "import", "let", "loop", "package", "namespace", "return", "var", "void", "while");

  /**
   * Sibling order: literal-only patterns, then patterns with single-segment variables, then
   * patterns with a recursive variable; within a tier more segments first, then the longer text,
   * then alphabetical. The first sibling that matches wins.
   */
  static final Comparator<PathPattern> ORDER = Comparator
      .comparingInt((PathPattern p) -> p.tier)
      .thenComparing(Comparator.comparingInt((PathPattern p) -> p.literals.length).reversed())
      .thenComparing(Comparator.comparingInt((PathPattern p) -> p.text.length()).reversed())
      .thenComparing(p -> p.text);

  final String text;
  /** The literal of each segment, or null where the segment is a variable. */
  private final String[] literals;
  /** The variable of each segment, or null where the segment is a literal. */
  private final String[] variables;
  private final boolean recursive;
  private final int tier;

  private PathPattern(String text, String[] literals, String[] variables, boolean recursive) {
    this.text = text;
    this.literals = literals;
    this.variables = variables;
    this.recursive = recursive;
    boolean anyVariable = false;
    for (String v : variables) {
      anyVariable |= v != null;
    }
    this.tier = recursive ? 2 : anyVariable ? 1 : 0;
  }

  /** Parses {@code text}; errors name it, prefixed by {@code where}. */
  static PathPattern parse(String text, String where) {
    check(text.startsWith("/") && text.length() > 1, where, "must start with '/' and name at least one segment");
    String[] segments = text.substring(1).split("/", -1);
    String[] literals = new String[segments.length];
    String[] variables = new String[segments.length];
    boolean recursive = false;
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      check(!s.isEmpty(), where, "has an empty segment");
      if (s.startsWith("{") && s.endsWith("}")) {
        String name = s.substring(1, s.length() - 1);
        if (name.endsWith("=**")) {
          check(i == segments.length - 1, where, "may use a recursive wildcard {name=**} only as its last segment");
          name = name.substring(0, name.length() - 3);
          recursive = true;
        }
        check(NAME.matcher(name).matches(), where,
            "has a bad variable '" + s + "' (a name is letters, digits and '_', not starting with a digit)");
        check(!RESERVED.contains(name), where, "may not name a variable '" + name + "' (reserved)");
        variables[i] = name;
      } else {
        check(s.indexOf('{') < 0 && s.indexOf('}') < 0, where,
            "has a bad segment '" + s + "' (a variable takes a whole segment: {name} or {name=**})");
        literals[i] = s;
      }
    }
    return new PathPattern(text, literals, variables, recursive);
  }

  private static void check(boolean ok, String where, String problem) {
    if (!ok) {
      throw RuleSet.invalid(where + ": pattern " + problem);
    }
  }

  /** The variables this pattern binds, in order. */
  java.util.List<String> variableNames() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String v : variables) {
      if (v != null) {
        names.add(v);
      }
    }
    return names;
  }

  /**
   * Matches this pattern against {@code segments} from {@code from}. On success returns the
   * index after the consumed segments and has appended the bindings; on failure returns -1 and
   * may have appended some (the caller truncates).
   */
  int match(String[] segments, int from, Bindings out) {
    int n = literals.length;
    int pos = from;
    for (int i = 0; i < n; i++) {
      if (pos >= segments.length) {
        return -1;
      }
      String seg = segments[pos];
      if (literals[i] != null) {
        if (!literals[i].equals(seg)) {
          return -1;
        }
        pos++;
      } else if (recursive && i == n - 1) {
        out.bindRest(variables[i], segments, pos);
        return segments.length;
      } else {
        if (seg != ANY_ID) {
          out.bind(variables[i], seg);
        }
        pos++;
      }
    }
    return pos;
  }

  @Override
  public String toString() {
    return text;
  }

  /** Path variables bound while walking down the match tree; child blocks see their parents'. */
  static final class Bindings {
    private String[] names = new String[4];
    private String[] values = new String[4];
    private int size;

    void bind(String name, String value) {
      if (size == names.length) {
        names = java.util.Arrays.copyOf(names, size * 2);
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      names[size] = name;
      values[size++] = value;
    }

    /** Binds the real segments from {@code from} on, joined with '/'; nothing when there are none. */
    void bindRest(String name, String[] segments, int from) {
      int end = segments.length;
      if (end > from && segments[end - 1] == ANY_ID) {
        end--;
      }
      if (end > from) {
        bind(name, String.join("/", java.util.Arrays.asList(segments).subList(from, end)));
      }
    }

    int size() {
      return size;
    }

    void truncate(int newSize) {
      size = newSize;
    }

    /** The value of {@code name}, or null when unbound. */
    String get(String name) {
      for (int i = size - 1; i >= 0; i--) {
        if (names[i].equals(name)) {
          return values[i];
        }
      }
      return null;
    }
  }
}
