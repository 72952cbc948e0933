package io.syntrix.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Filter;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.model.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The API around evaluation: shipped rules, request validation, readers and reasons. */
class RuleSetTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final DocumentPath DOC = DocumentPath.of("notes/n1");

  @Test
  void shippedRulesKeepTheirYamlAndLetSignedInUsersIn() {
    RuleSet open = RuleSet.openToSignedIn();
    assertThat(open).isSameAs(RuleSet.openToSignedIn());
    assertThat(open.database()).isEqualTo("default");
    assertThat(open.yaml()).contains("request.auth.userId != null");
    assertThat(RuleSet.parse(open.yaml()).yaml()).isEqualTo(open.yaml());

    for (Action action : Action.values()) {
      assertThat(open.evaluate(request(action, Auth.user("u1"))).allowed()).as("%s signed in", action).isTrue();
      assertThat(open.evaluate(request(action, Auth.anonymous())).allowed()).as("%s anonymous", action).isFalse();
    }
  }

  private static RuleRequest request(Action action, Auth auth) {
    return switch (action) {
      case LIST -> RuleRequest.list("default", CollectionPath.of("notes"), auth, NOW, null);
      case CREATE, UPDATE -> RuleRequest.document("default", DOC, action, auth, MapValue.EMPTY, null, NOW, null);
      default -> RuleRequest.document("default", DOC, action, auth, null, null, NOW, null);
    };
  }

  @Test
  void requestShapesAreChecked() {
    assertThatThrownBy(() -> RuleRequest.document("db", DOC, Action.LIST, Auth.anonymous(), null, null, NOW, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use RuleRequest.list");
    assertThatThrownBy(() -> RuleRequest.document("db", DOC, Action.CREATE, Auth.anonymous(), null, null, NOW, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("create and update carry the new data");
    assertThatThrownBy(() -> RuleRequest.document("db", DOC, Action.GET, Auth.anonymous(), MapValue.EMPTY, null, NOW, null))
        .isInstanceOf(IllegalArgumentException.class);
    Document other = new Document(DocumentPath.of("notes/n2"), MapValue.EMPTY, 1, 1, 1, false);
    assertThatThrownBy(() -> RuleRequest.document("db", DOC, Action.GET, Auth.anonymous(), null, other, NOW, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path differs");
    assertThatThrownBy(() -> RuleRequest.document("a/b", DOC, Action.GET, Auth.anonymous(), null, null, NOW, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid database name");
    assertThatThrownBy(() -> RuleRequest.document("db", DOC, Action.GET, Auth.anonymous(), null, null, null, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("time");
  }

  @Test
  void listRequestCarriesTheQuery() {
    RuleSet rules = RuleSet.parse("""
        rules_version: '1'
        match:
          /databases/{database}/documents/notes/{id}:
            allow:
              list: >-
                request.query.collection == 'notes' && request.query.limit == 5
                && request.query.orderBy[0].direction == 'desc' && request.query.startAfter == null
                && request.query.filters[0].value == 3 && request.method == 'list' && request.resource == null
                && resource == null
        """);
    Query query = new Query(CollectionPath.of("notes"), List.of(Filter.of("n", ">", Value.of(3))),
        List.of(new io.syntrix.model.OrderBy("n", io.syntrix.model.OrderBy.Direction.DESC)), 5, null, false);
    Decision d = rules.evaluate(RuleRequest.list("db", query, Auth.anonymous(), NOW, null));
    assertThat(d.allowed()).as(d.reason()).isTrue();
  }

  @Test
  void repeatedReadsOfOnePathHitTheReaderOnce() {
    RuleSet rules = RuleSet.parse("""
        rules_version: '1'
        match:
          /databases/{database}/documents/notes/{id}:
            allow:
              get:
                - "get('users/' + request.auth.userId).data.role == 'editor'"
                - "exists('users/' + request.auth.userId) && get('/users/' + request.auth.userId).data.role == 'admin'"
        """);
    AtomicInteger calls = new AtomicInteger();
    List<String> databases = new ArrayList<>();
    DocumentReader reader = (db, path) -> {
      calls.incrementAndGet();
      databases.add(db);
      return Optional.of(new Document(path, MapValue.builder().put("role", Value.of("admin")).build(), 1, 1, 1, false));
    };
    Decision d = rules.evaluate(RuleRequest.document("tenant-7", DOC, Action.GET, Auth.user("u1"), null, null, NOW, reader));
    assertThat(d.allowed()).as(d.reason()).isTrue();
    assertThat(d.reason()).contains("condition 2");
    assertThat(calls).hasValue(1);
    assertThat(databases).containsExactly("tenant-7");
  }

  @Test
  void withoutReaderGetDenies() {
    RuleSet rules = RuleSet.parse("""
        rules_version: '1'
        match:
          /databases/{database}/documents/notes/{id}:
            allow:
              read: "!exists('users/x')"
        """);
    Decision d = rules.evaluate(RuleRequest.document("db", DOC, Action.GET, Auth.user("u1"), null, null, NOW, null));
    assertThat(d.allowed()).isFalse();
    assertThat(d.reason()).contains("no reader");
  }

  @Test
  void resourceDataCarriesIdButNoSystemFields() {
    RuleSet rules = RuleSet.parse("""
        rules_version: '1'
        match:
          /databases/{database}/documents/notes/{id}:
            allow:
              get: >-
                resource.id == 'n1' && resource.data.id == 'n1' && resource.data.title == 't'
                && !has(resource.data.version) && !has(resource.data.createdAt) && size(resource.data) == 2
                && resource.data == {'id': 'n1', 'title': 't'}
        """);
    Document stored = new Document(DOC, MapValue.builder().put("title", Value.of("t")).build(), 7, 100, 200, false);
    Decision d = rules.evaluate(RuleRequest.document("db", DOC, Action.GET, Auth.anonymous(), null, stored, NOW, null));
    assertThat(d.allowed()).as(d.reason()).isTrue();

    Document tombstone = new Document(DOC, MapValue.EMPTY, 8, 100, 300, true);
    RuleSet nullCheck = RuleSet.parse("""
        rules_version: '1'
        match:
          /databases/{database}/documents/notes/{id}:
            allow:
              get: "resource == null"
        """);
    assertThat(nullCheck.evaluate(RuleRequest.document("db", DOC, Action.GET, Auth.anonymous(), null, tombstone, NOW, null))
        .allowed()).isTrue();
  }

  @Test
  void anonymousAuthIsNotNullButItsUserIdIs() {
    RuleSet rules = RuleSet.parse("""
        rules_version: '1'
        match:
          /databases/{database}/documents/notes/{id}:
            allow:
              get: "request.auth != null && request.auth.userId == null && request.auth.roles.size() == 0"
        """);
    assertThat(rules.evaluate(request(Action.GET, Auth.anonymous())).allowed()).isTrue();
    assertThat(rules.evaluate(request(Action.GET, Auth.user("u1"))).allowed()).isFalse();
  }

  @Test
  void concurrentEvaluationsAgreeWithSequentialOnes() throws Exception {
    RuleSet rules = RuleSet.parse("""
        rules_version: '1'
        match:
          /databases/{database}/documents:
            match:
              /notes/{id}:
                allow:
                  read: "resource == null || resource.data.owner == request.auth.userId || (request.auth.claims.org == 'o2' && request.auth.claims.plan == 'pro')"
                  create, update: "request.resource.data.owner == request.auth.userId && id.size() > 1"
              /{rest=**}:
                allow:
                  read: "rest.startsWith('other/') && exists('notes/n1')"
        """);
    DocumentReader reader = (db, path) -> Optional.of(new Document(path, MapValue.EMPTY, 1, 1, 1, false));
    // One Auth shared by many requests and threads, as one token is on a connection.
    Auth sharedAuth = Auth.of("u2", "u2", List.of("user"), List.of(),
        MapValue.builder().put("plan", Value.of("free")).put("org", Value.of("o1")).build());
    List<RuleRequest> requests = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      Auth auth = i % 3 == 0 ? Auth.anonymous() : i % 3 == 1 ? Auth.user("u" + (i % 4)) : sharedAuth;
      DocumentPath path = DocumentPath.of("notes/n" + i);
      MapValue owned = MapValue.builder().put("owner", Value.of("u" + (i % 5))).build();
      requests.add(switch (i % 4) {
        case 0 -> RuleRequest.document("db", path, Action.GET, auth, null, new Document(path, owned, 1, 1, 1, false), NOW, reader);
        case 1 -> RuleRequest.document("db", path, Action.CREATE, auth, owned, null, NOW, reader);
        case 2 -> RuleRequest.document("db", DocumentPath.of("other/x" + i), Action.GET, auth, null, null, NOW, reader);
        default -> RuleRequest.list("db", CollectionPath.of("other"), auth, NOW, reader);
      });
    }
    List<Decision> expected = requests.stream().map(rules::evaluate).toList();
    assertThat(expected).extracting(Decision::allowed).contains(true, false);

    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          for (int round = 0; round < 500; round++) {
            for (int i = 0; i < requests.size(); i++) {
              if (!rules.evaluate(requests.get(i)).equals(expected.get(i))) {
                return false;
              }
            }
          }
          return true;
        }));
      }
      for (var r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void patternOrder() {
    List<PathPattern> patterns = new ArrayList<>();
    for (String p : List.of("/{rest=**}", "/a/{b}", "/users/{userId}", "/users/admin", "/a/{b}/c/{d}", "/x/{y=**}",
        "/posts/{postId}", "/a", "/{c}")) {
      patterns.add(PathPattern.parse(p, "test"));
    }
    patterns.sort(PathPattern.ORDER);
    assertThat(patterns).extracting(p -> p.text).containsExactly(
        "/users/admin", "/a",                                   // literals only, more segments first
        "/a/{b}/c/{d}", "/posts/{postId}", "/users/{userId}", "/a/{b}", "/{c}", // then segments, length, text
        "/x/{y=**}", "/{rest=**}");                            // recursive wildcards last
  }
}
