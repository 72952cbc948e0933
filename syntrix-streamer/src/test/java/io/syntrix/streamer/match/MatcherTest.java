package io.syntrix.streamer.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Before/after classification and index behaviour, on every matcher implementation. */
class MatcherTest {
  static final String DB = "db1";
  static final String ROOMS = "rooms";

  static Stream<Arguments> matchers() {
    return Stream.of(
        Arguments.of("indexed", (Supplier<Matcher>) Matcher::indexed),
        Arguments.of("indexedWithoutRanges", (Supplier<Matcher>) Matcher::indexedWithoutRanges),
        Arguments.of("linear", (Supplier<Matcher>) Matcher::linear));
  }

  /** A matcher under test plus a shorthand to subscribe and to run one change. */
  static final class Fixture {
    final Matcher matcher;

    Fixture(Supplier<Matcher> factory) {
      this.matcher = factory.get();
    }

    Registration sub(String id, String filtersJson) {
      return sub(id, DB, ROOMS, filtersJson);
    }

    Registration sub(String id, String db, String collection, String filtersJson) {
      List<Filter> filters = Filter.listFromValue(Json.parse(filtersJson));
      return matcher.add(CompiledSubscription.compile(new Subscription(id, "gw", db, collection, filters)), id);
    }

    Map<String, Op> change(String before, String after) {
      return change(DB, ROOMS, before, after);
    }

    /** Matches one change; returns subscription id → operation. */
    Map<String, Op> change(String db, String collection, String before, String after) {
      Map<String, Op> out = new TreeMap<>();
      int n = matcher.match(db, collection, doc(before), doc(after), (r, op) -> {
        Op previous = out.put((String) r.attachment(), op);
        assertThat(previous).as("reported twice: " + r).isNull();
      });
      assertThat(n).isEqualTo(out.size());
      return out;
    }

    static MapValue doc(String json) {
      return json == null ? null : (MapValue) Json.parse(json);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void enterUpdateLeaveAndUnrelated(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("inA", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]");
    f.sub("inB", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"b\"}]");
    f.sub("inC", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"c\"}]");
    assertThat(f.change("{\"room\":\"a\",\"x\":1}", "{\"room\":\"b\",\"x\":1}"))
        .isEqualTo(Map.of("inA", Op.DELETE, "inB", Op.CREATE));
    assertThat(f.change("{\"room\":\"a\",\"x\":1}", "{\"room\":\"a\",\"x\":2}")).isEqualTo(Map.of("inA", Op.UPDATE));
    assertThat(f.change("{\"room\":\"d\"}", "{\"room\":\"e\"}")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void createdAndDeletedDocumentsHaveOneImage(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("inA", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]");
    f.sub("all", "[]");
    assertThat(f.change(null, "{\"room\":\"a\"}")).isEqualTo(Map.of("inA", Op.CREATE, "all", Op.CREATE));
    assertThat(f.change("{\"room\":\"a\"}", null)).isEqualTo(Map.of("inA", Op.DELETE, "all", Op.DELETE));
    assertThat(f.change("{\"room\":\"b\"}", null)).isEqualTo(Map.of("all", Op.DELETE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void eachSubscriptionGetsItsOwnOperation(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("left", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]");
    f.sub("entered", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"b\"}]");
    f.sub("stayed", "[{\"field\":\"score\",\"op\":\">\",\"value\":5}]");
    f.sub("compound", "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"b\"},{\"field\":\"score\",\"op\":\">=\",\"value\":8}]");
    assertThat(f.change("{\"room\":\"a\",\"score\":9}", "{\"room\":\"b\",\"score\":7}"))
        .isEqualTo(Map.of("left", Op.DELETE, "entered", Op.CREATE, "stayed", Op.UPDATE));
    assertThat(f.change("{\"room\":\"b\",\"score\":7}", "{\"room\":\"b\",\"score\":8}"))
        .isEqualTo(Map.of("entered", Op.UPDATE, "stayed", Op.UPDATE, "compound", Op.CREATE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void removedFieldNeverMatchesWhateverTheOperator(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("eq", "[{\"field\":\"x\",\"op\":\"==\",\"value\":1}]");
    f.sub("ne", "[{\"field\":\"x\",\"op\":\"!=\",\"value\":2}]");
    f.sub("notIn", "[{\"field\":\"x\",\"op\":\"not-in\",\"value\":[2,3]}]");
    f.sub("gt", "[{\"field\":\"x\",\"op\":\">\",\"value\":0}]");
    f.sub("eqNull", "[{\"field\":\"x\",\"op\":\"==\",\"value\":null}]");
    assertThat(f.change("{\"x\":1}", "{\"y\":1}"))
        .isEqualTo(Map.of("eq", Op.DELETE, "ne", Op.DELETE, "notIn", Op.DELETE, "gt", Op.DELETE));
    assertThat(f.change("{\"y\":1}", "{\"x\":null}")).isEqualTo(Map.of("eqNull", Op.CREATE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void typeChangeLeavesTheResult(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("eq5", "[{\"field\":\"x\",\"op\":\"==\",\"value\":5}]");
    f.sub("gt1", "[{\"field\":\"x\",\"op\":\">\",\"value\":1}]");
    f.sub("ne5", "[{\"field\":\"x\",\"op\":\"!=\",\"value\":5}]");
    f.sub("gtA", "[{\"field\":\"x\",\"op\":\">\",\"value\":\"0\"}]");
    assertThat(f.change("{\"x\":5}", "{\"x\":\"5\"}"))
        .isEqualTo(Map.of("eq5", Op.DELETE, "gt1", Op.DELETE, "gtA", Op.CREATE));
    assertThat(f.change("{\"x\":\"5\"}", "{\"x\":7}")).isEqualTo(Map.of("gt1", Op.CREATE, "ne5", Op.CREATE, "gtA", Op.DELETE));
    assertThat(f.change("{\"x\":7}", "{\"x\":true}")).isEqualTo(Map.of("gt1", Op.DELETE, "ne5", Op.DELETE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void numbersCompareByValueNotByRepresentation(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("one", "[{\"field\":\"n\",\"op\":\"==\",\"value\":1}]");
    f.sub("oneDouble", "[{\"field\":\"n\",\"op\":\"==\",\"value\":1.0}]");
    f.sub("negZero", "[{\"field\":\"n\",\"op\":\"==\",\"value\":-0.0}]");
    f.sub("inMixed", "[{\"field\":\"n\",\"op\":\"in\",\"value\":[1.0, 2.5, 2.5, 1]}]");
    f.sub("ge1", "[{\"field\":\"n\",\"op\":\">=\",\"value\":1.0}]");
    assertThat(f.change(null, "{\"n\":1.0}"))
        .isEqualTo(Map.of("one", Op.CREATE, "oneDouble", Op.CREATE, "inMixed", Op.CREATE, "ge1", Op.CREATE));
    assertThat(f.change(null, "{\"n\":0}")).isEqualTo(Map.of("negZero", Op.CREATE));
    assertThat(f.change(null, "{\"n\":2.5}")).isEqualTo(Map.of("inMixed", Op.CREATE, "ge1", Op.CREATE));
    f.sub("big", "[{\"field\":\"n\",\"op\":\"==\",\"value\":9007199254740993}]");
    assertThat(f.change(null, "{\"n\":9007199254740992.0}")).isEqualTo(Map.of("ge1", Op.CREATE));
    assertThat(f.change(null, "{\"n\":9007199254740993}")).isEqualTo(Map.of("big", Op.CREATE, "ge1", Op.CREATE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void inListsMatchAnyMember(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("abc", "[{\"field\":\"room\",\"op\":\"in\",\"value\":[\"a\",\"b\",\"c\"]}]");
    f.sub("cd", "[{\"field\":\"room\",\"op\":\"in\",\"value\":[\"c\",\"d\"]}]");
    assertThat(f.change("{\"room\":\"a\"}", "{\"room\":\"b\"}")).isEqualTo(Map.of("abc", Op.UPDATE));
    assertThat(f.change("{\"room\":\"b\"}", "{\"room\":\"c\"}")).isEqualTo(Map.of("abc", Op.UPDATE, "cd", Op.CREATE));
    assertThat(f.change("{\"room\":\"c\"}", "{\"room\":\"d\"}")).isEqualTo(Map.of("abc", Op.DELETE, "cd", Op.UPDATE));
    assertThat(f.change("{\"room\":[\"a\"]}", "{\"room\":\"e\"}")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void nestedFieldsResolveThroughMaps(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("paris", "[{\"field\":\"address.city\",\"op\":\"==\",\"value\":\"Paris\"}]");
    f.sub("zipAbove", "[{\"field\":\"address.zip\",\"op\":\">\",\"value\":75000}]");
    f.sub("whole", "[{\"field\":\"address\",\"op\":\"==\",\"value\":{\"city\":\"Paris\",\"zip\":75001}}]");
    assertThat(f.change(null, "{\"address\":{\"zip\":75001,\"city\":\"Paris\"}}"))
        .isEqualTo(Map.of("paris", Op.CREATE, "zipAbove", Op.CREATE, "whole", Op.CREATE));
    assertThat(f.change("{\"address\":{\"city\":\"Paris\",\"zip\":75001.0}}", "{\"address\":\"Paris\"}"))
        .isEqualTo(Map.of("paris", Op.DELETE, "zipAbove", Op.DELETE, "whole", Op.DELETE));
    assertThat(f.change(null, "{\"address.city\":\"Paris\"}")).as("a dotted key is not a path").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void idEqualityIsAnIndexedField(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("d1", "[{\"field\":\"id\",\"op\":\"==\",\"value\":\"d1\"}]");
    f.sub("d1Hot", "[{\"field\":\"hot\",\"op\":\"==\",\"value\":true},{\"field\":\"id\",\"op\":\"==\",\"value\":\"d1\"}]");
    assertThat(f.change("{\"id\":\"d1\",\"hot\":false}", "{\"id\":\"d1\",\"hot\":true}"))
        .isEqualTo(Map.of("d1", Op.UPDATE, "d1Hot", Op.CREATE));
    assertThat(f.change("{\"id\":\"d2\",\"hot\":true}", "{\"id\":\"d2\",\"hot\":false}")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void collectionsSubcollectionsAndDatabasesAreIsolated(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("rooms", DB, "rooms", "[]");
    f.sub("messages", DB, "rooms/r1/messages", "[]");
    f.sub("otherDb", "db2", "rooms", "[]");
    f.sub("otherRoom", DB, "rooms/r2/messages", "[{\"field\":\"x\",\"op\":\"==\",\"value\":1}]");
    assertThat(f.change(DB, "rooms", null, "{\"x\":1}")).isEqualTo(Map.of("rooms", Op.CREATE));
    assertThat(f.change(DB, "rooms/r1/messages", null, "{\"x\":1}")).isEqualTo(Map.of("messages", Op.CREATE));
    assertThat(f.change("db2", "rooms", "{\"x\":1}", null)).isEqualTo(Map.of("otherDb", Op.DELETE));
    assertThat(f.change("db3", "rooms", null, "{\"x\":1}")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void arrayContainsLooksAtElements(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("x", "[{\"field\":\"tags\",\"op\":\"array-contains\",\"value\":\"x\"}]");
    f.sub("anyOne", "[{\"field\":\"tags\",\"op\":\"array-contains-any\",\"value\":[1, \"z\"]}]");
    f.sub("wholeArray", "[{\"field\":\"tags\",\"op\":\"==\",\"value\":[\"x\",\"y\"]}]");
    assertThat(f.change("{\"tags\":[\"y\"]}", "{\"tags\":[\"x\",\"y\"]}"))
        .isEqualTo(Map.of("x", Op.CREATE, "wholeArray", Op.CREATE));
    assertThat(f.change("{\"tags\":[\"x\",\"y\"]}", "{\"tags\":[1.0,\"x\",\"x\"]}"))
        .isEqualTo(Map.of("x", Op.UPDATE, "anyOne", Op.CREATE, "wholeArray", Op.DELETE));
    assertThat(f.change("{\"tags\":\"x\"}", "{\"tags\":{\"a\":\"x\"}}")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void rangesAreBracketedToTheirTypeClass(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    f.sub("gt10", "[{\"field\":\"s\",\"op\":\">\",\"value\":10}]");
    f.sub("ge10", "[{\"field\":\"s\",\"op\":\">=\",\"value\":10}]");
    f.sub("lt10", "[{\"field\":\"s\",\"op\":\"<\",\"value\":10}]");
    f.sub("le10", "[{\"field\":\"s\",\"op\":\"<=\",\"value\":10.0}]");
    f.sub("ltB", "[{\"field\":\"s\",\"op\":\"<\",\"value\":\"b\"}]");
    f.sub("gtFalse", "[{\"field\":\"s\",\"op\":\">\",\"value\":false}]");
    assertThat(f.change(null, "{\"s\":10}")).isEqualTo(Map.of("ge10", Op.CREATE, "le10", Op.CREATE));
    assertThat(f.change("{\"s\":9.5}", "{\"s\":10.5}"))
        .isEqualTo(Map.of("gt10", Op.CREATE, "ge10", Op.CREATE, "lt10", Op.DELETE, "le10", Op.DELETE));
    assertThat(f.change("{\"s\":\"a\"}", "{\"s\":true}")).isEqualTo(Map.of("ltB", Op.DELETE, "gtFalse", Op.CREATE));
    assertThat(f.change(null, "{\"s\":null}")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("matchers")
  void removedSubscriptionsStopMatchingAndTheRestStillDo(String name, Supplier<Matcher> factory) {
    Fixture f = new Fixture(factory);
    List<Registration> regs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String filters = switch (i % 4) {
        case 0 -> "[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"}]";
        case 1 -> "[{\"field\":\"room\",\"op\":\"in\",\"value\":[\"a\",\"b\"]}]";
        case 2 -> "[{\"field\":\"score\",\"op\":\">\",\"value\":" + i + "}]";
        default -> "[{\"field\":\"room\",\"op\":\"!=\",\"value\":\"z\"}]";
      };
      regs.add(f.sub("s" + i, filters));
    }
    for (int i = 0; i < 40; i += 3) {
      f.matcher.remove(regs.get(i));
      f.matcher.remove(regs.get(i)); // idempotent
    }
    assertThat(f.matcher.size()).isEqualTo(40 - 14);
    Map<String, Op> got = f.change(null, "{\"room\":\"a\",\"score\":100}");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      if (i % 3 != 0) {
        expected.add("s" + i);
      }
    }
    assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    for (int i = 0; i < 40; i++) {
      f.matcher.remove(regs.get(i));
    }
    assertThat(f.matcher.size()).isZero();
    assertThat(f.change(null, "{\"room\":\"a\",\"score\":100}")).isEmpty();
  }
}
