package io.syntrix.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.ErrorCode;
import io.syntrix.model.InvalidInputException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules that must not load, and the message that says why and where. */
class RuleSetLoadTest {
  /** Wraps one block under /databases/{database}/documents. */
  private static String rules(String blocks) {
    return """
        rules_version: '1'
        match:
          /databases/{database}/documents:
            match:
        """ + blocks.indent(6);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("empty text", "  \n", "the rules are empty"),
        Arguments.of("malformed YAML", "rules_version: '1\nmatch: [", "not valid YAML at line"),
        Arguments.of("not a mapping", "- a\n- b\n", "must be a YAML mapping"),
        Arguments.of("missing version", "match:\n  /databases/{database}/documents:\n    allow: {read: 'true'}\n",
            "rules_version is missing"),
        Arguments.of("unknown version", "rules_version: '3'\nmatch: {}\n", "rules_version must be '1' or '2', not '3'"),
        Arguments.of("unknown top-level key", "rules_version: '1'\nmatches: {}\n", "unknown top-level key 'matches'"),
        Arguments.of("missing match", "rules_version: '1'\n", "top-level 'match' must map"),
        Arguments.of("top level not under /databases", "rules_version: '1'\nmatch:\n  /users/{u}:\n    allow: {read: 'true'}\n",
            "top-level match '/users/{u}' must start with /databases/"),
        Arguments.of("duplicate key", rules("/a/{id}:\n  allow:\n    read: 'true'\n    read: 'false'\n"),
            "Duplicate field 'read'"),
        Arguments.of("unknown action", rules("/a/{id}:\n  allow:\n    rea: 'true'\n"),
            "match /databases/{database}/documents/a/{id}, allow 'rea': unknown action 'rea'"),
        Arguments.of("unknown action in a list", rules("/a/{id}:\n  allow:\n    'get, lst': 'true'\n"),
            "allow 'get, lst': unknown action 'lst'"),
        Arguments.of("flow mapping splits the action list", rules("/a/{id}:\n  allow: { read, write: 'true' }\n"),
            "allow 'read': has no condition"),
        Arguments.of("number as condition", rules("/a/{id}:\n  allow:\n    read: 1\n"),
            "a condition must be a string (a CEL expression), not number"),
        Arguments.of("empty condition", rules("/a/{id}:\n  allow:\n    read: '  '\n"), "a condition is empty"),
        Arguments.of("empty condition list", rules("/a/{id}:\n  allow:\n    read: []\n"), "the list of conditions is empty"),
        Arguments.of("unknown block key", rules("/a/{id}:\n  allows:\n    read: 'true'\n"),
            "match /databases/{database}/documents/a/{id}: unknown key 'allows'"),
        Arguments.of("empty block", rules("/a/{id}:\n"), "match /databases/{database}/documents/a/{id}: needs 'allow' and/or 'match'"),
        Arguments.of("CEL syntax error", rules("/a/{id}:\n  allow:\n    read, write: 'request.auth.userId =='\n"),
            "match /databases/{database}/documents/a/{id}, allow 'read, write': condition 'request.auth.userId ==' does not compile: ERROR"),
        Arguments.of("undeclared variable (typo of a path variable)", rules("/users/{userId}:\n  allow:\n    read: 'userID == \"x\"'\n"),
            "undeclared reference to 'userID'"),
        Arguments.of("variable of a sibling is not in scope", rules("""
            /a/{x}:
              allow: { read: "x == 'a'" }
            /b/{y}:
              allow: { read: "x == 'b'" }
            """), "match /databases/{database}/documents/b/{y}, allow 'read': condition 'x == 'b'' does not compile"),
        Arguments.of("non-bool condition", rules("/a/{id}:\n  allow:\n    read: \"'yes'\"\n"), "does not compile"),
        Arguments.of("bad argument to exists", rules("/a/{id}:\n  allow:\n    read: 'exists(1)'\n"), "does not compile"),
        Arguments.of("second condition of a list", rules("/a/{id}:\n  allow:\n    read:\n      - 'true'\n      - 'nope('\n"),
            "allow 'read': condition 2 'nope(' does not compile"),
        Arguments.of("no leading slash", rules("a/{id}:\n  allow: {read: 'true'}\n"), "match 'a/{id}' under /databases/{database}/documents: pattern must start with '/'"),
        Arguments.of("empty segment", rules("/a//{id}:\n  allow: {read: 'true'}\n"), "pattern has an empty segment"),
        Arguments.of("bad variable name", rules("/a/{user-id}:\n  allow: {read: 'true'}\n"), "bad variable '{user-id}'"),
        Arguments.of("empty variable", rules("/a/{}:\n  allow: {read: 'true'}\n"), "bad variable '{}'"),
        Arguments.of("partial wildcard segment", rules("/a/user_{id}:\n  allow: {read: 'true'}\n"), "bad segment 'user_{id}'"),
        Arguments.of("recursive wildcard not last", rules("/a/{rest=**}/b:\n  allow: {read: 'true'}\n"),
            "recursive wildcard {name=**} only as its last segment"),
        Arguments.of("reserved variable name", rules("/a/{request}:\n  allow: {read: 'true'}\n"), "may not name a variable 'request'"),
        Arguments.of("variable bound twice along the chain", rules("/a/{id}:\n  match:\n    /b/{id}:\n      allow: {read: 'true'}\n"),
            "match /databases/{database}/documents/a/{id}/b/{id}: variable 'id' is already bound"),
        Arguments.of("nested match not a mapping", rules("/a/{id}:\n  match: [1]\n"), "'match' must map patterns to blocks"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusedAtLoad(String name, String yaml, String message) {
    assertThatThrownBy(() -> RuleSet.parse(yaml))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("invalid rules: ")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  void referenceExampleLoads() {
    RuleSet rules = RuleSet.parse("""
        database: default
        rules_version: '1'
        service: syntrix
        match:
          /databases/{database}/documents:        # {database} binds the request's database
            match:
              /users/{userId}:
                allow:
                  read, write: "request.auth.userId == userId"
                match:
                  /private/{docId}:
                    allow: { read: "request.auth.userId == userId" }
              /posts/{postId}:
                allow:
                  read: "true"
                  create: "request.resource.data.title.size() > 0"
                  update: "request.auth.userId == resource.data.authorId || 'admin' in request.auth.roles"
              /{document=**}:
                allow:
                  read, write: "false"     # block style: a flow map would split 'read, write'
        """);
    assertThat(rules.rulesVersion()).isEqualTo("1");
    assertThat(rules.service()).isEqualTo("syntrix");
    assertThat(rules.database()).isEqualTo("default");
  }

  @Test
  void numericVersionAndVersionTwoLoad() {
    assertThat(RuleSet.parse("rules_version: 2\nmatch:\n  /databases/{d}/documents/{x=**}:\n    allow: {read: true}\n")
        .rulesVersion()).isEqualTo("2");
  }
}
