package io.syntrix.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Query;
import io.syntrix.model.Value;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every case of {@code rule-cases.yaml} (format described at its top). */
class RuleTableTest {
  private static final Instant DEFAULT_TIME = Instant.parse("2026-11-27T12:00:00Z");
  private static final JsonNode TABLE = load();
  private static final Map<String, RuleSet> RULE_SETS = ruleSets();
  private static final DocumentReader READER = reader();

  private static JsonNode load() {
    try (InputStream in = RuleTableTest.class.getResourceAsStream("rule-cases.yaml")) {
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, RuleSet> ruleSets() {
    Map<String, RuleSet> sets = new HashMap<>();
    sets.put("open", RuleSet.openToSignedIn());
    TABLE.get("rulesets").fields().forEachRemaining(e -> sets.put(e.getKey(), RuleSet.parse(e.getValue().asText())));
    return sets;
  }

  /** The documents of the table's databases; reading database "broken" throws. */
  private static DocumentReader reader() {
    Map<String, Map<String, Document>> byDatabase = new HashMap<>();
    TABLE.get("databases").fields().forEachRemaining(db -> {
      Map<String, Document> docs = new HashMap<>();
      db.getValue().fields().forEachRemaining(d -> {
        DocumentPath path = DocumentPath.of(d.getKey());
        docs.put(d.getKey(), d.getValue().isNull()
            ? new Document(path, MapValue.EMPTY, 2, 1, 2, true)
            : new Document(path, map(d.getValue()), 1, 1, 1, false));
      });
      byDatabase.put(db.getKey(), docs);
    });
    return (database, path) -> {
      if (database.equals("broken")) {
        throw new IllegalStateException("store unavailable");
      }
      return Optional.ofNullable(byDatabase.getOrDefault(database, Map.of()).get(path.value()));
    };
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    TABLE.get("cases").forEach(c -> out.add(Arguments.of(c.get("name").asText(), c)));
    return out.stream();
  }

  @Test
  void tableHasEnoughCases() {
    assertThat(TABLE.get("cases").size()).isGreaterThanOrEqualTo(40);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rule(String name, JsonNode c) {
    RuleSet rules = RULE_SETS.get(c.get("rules").asText());
    assertThat(rules).as("rule set %s", c.get("rules")).isNotNull();

    Decision decision = rules.evaluate(request(c));

    assertThat(decision.allowed()).as("%s: %s", name, decision.reason())
        .isEqualTo(switch (c.get("expect").asText()) {
          case "allow" -> true;
          case "deny" -> false;
          default -> throw new IllegalArgumentException("expect must be allow or deny");
        });
    if (c.has("reason")) {
      assertThat(decision.reason()).contains(c.get("reason").asText());
    }
  }

  private static RuleRequest request(JsonNode c) {
    String db = c.has("db") ? c.get("db").asText() : "A";
    String path = c.get("path").asText();
    Action action = Action.valueOf(c.get("action").asText().toUpperCase(java.util.Locale.ROOT));
    Instant time = c.has("time") ? Instant.parse(c.get("time").asText()) : DEFAULT_TIME;
    MapValue data = c.has("data") ? map(c.get("data")) : null;
    Document existing = c.has("existing") ? new Document(DocumentPath.of(path), map(c.get("existing")), 3, 1, 2, false) : null;
    Query query = null;
    if (c.has("query")) {
      MapValue q = map(c.get("query"));
      query = Query.fromValue(MapValue.builder().putAll(q).put("collection", Value.of(path)).build());
    }
    if (action != Action.LIST) {
      return RuleRequest.document(db, DocumentPath.of(path), action, auth(c.get("auth")), data, existing, time, READER);
    }
    return query == null
        ? RuleRequest.list(db, io.syntrix.model.CollectionPath.of(path), auth(c.get("auth")), time, READER)
        : RuleRequest.list(db, query, auth(c.get("auth")), time, READER);
  }

  private static Auth auth(JsonNode a) {
    if (a == null) {
      return Auth.anonymous();
    }
    return Auth.of(a.get("userId").asText(), a.has("username") ? a.get("username").asText() : null,
        strings(a.get("roles")), strings(a.get("db_admin")), a.has("claims") ? map(a.get("claims")) : MapValue.EMPTY);
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      list.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static MapValue map(JsonNode node) {
    return (MapValue) Json.parse(node.toString());
  }
}
