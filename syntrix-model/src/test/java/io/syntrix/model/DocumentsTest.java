package io.syntrix.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of client bodies ({@link Documents#clientData}). */
class DocumentsTest {
  @ParameterizedTest
  @ValueSource(strings = {"collection", "version", "createdAt", "updatedAt", "deleted"})
  void systemFieldsAreDropped(String field) {
    MapValue data = body("{\"name\":\"x\",\"" + field + "\":1}");
    assertThat(Documents.clientData(data, "d1")).isEqualTo(body("{\"name\":\"x\"}"));
  }

  /** What a client that read a document sends back when it writes it again. */
  @Test
  void aDocumentAsTheServerReturnedItIsAcceptedAsItsData() {
    MapValue read = body("{\"id\":\"d1\",\"collection\":\"rooms\",\"version\":3,\"createdAt\":1,"
        + "\"updatedAt\":2,\"name\":\"x\",\"n\":2}");
    assertThat(Documents.clientData(read, "d1")).isEqualTo(body("{\"name\":\"x\",\"n\":2}"));
  }

  @Test
  void reservedNamesAreOnlyReservedAtTheTop() {
    MapValue data = body("{\"meta\":{\"version\":1,\"deleted\":false}}");
    assertThat(Documents.clientData(data, "d1")).isEqualTo(data);
  }

  @Test
  void fieldNamesLongerThan1500BytesAreRefusedAtAnyDepth() {
    String longest = "\u00e9".repeat(750); // 2 UTF-8 bytes each: exactly 1,500 bytes
    MapValue ok = MapValue.builder().put(longest, MapValue.builder().put(longest, Value.of(1)).build()).build();
    assertThat(Documents.clientData(ok, "d1")).isEqualTo(ok);
    for (MapValue tooLong : new MapValue[] {
        MapValue.builder().put(longest + "x", Value.of(1)).build(),
        MapValue.builder().put("a", MapValue.builder().put(longest + "x", Value.of(1)).build()).build()}) {
      assertThatThrownBy(() -> Documents.clientData(tooLong, "d1"))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("1501 bytes");
    }
  }

  @Test
  void dataWithoutIdIsReturnedUnchanged() {
    MapValue data = body("{\"a\":1,\"b\":[true]}");
    assertThat(Documents.clientData(data, "d1")).isEqualTo(data);
  }

  @Test
  void idEqualToThePathIdIsAcceptedAndStripped() {
    MapValue out = Documents.clientData(body("{\"id\":\"d1\",\"a\":1}"), "d1");
    assertThat(out).isEqualTo(body("{\"a\":1}"));
    assertThat(out.get(SystemFields.ID)).isNull();
  }

  @Test
  void aNumberIsNotAnId() {
    assertThatThrownBy(() -> Documents.clientData(body("{\"id\":42,\"a\":1}"), "42"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.getMessage()).contains("must be a string, got a number"));
  }

  @Test
  void differentIdIsRefused() {
    assertThatThrownBy(() -> Documents.clientData(body("{\"id\":\"d2\",\"a\":1}"), "d1"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Documents.clientData(body("{\"id\":\"D1\"}"), "d1"))
        .isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"42.0", "true", "null", "\"\"", "\"a b\"", "[\"d1\"]", "{\"id\":\"d1\"}"})
  void malformedIdIsRefused(String idJson) {
    assertThatThrownBy(() -> Documents.clientData(body("{\"id\":" + idJson + "}"), "d1"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void twentyLevelsCountingTheDocumentAreAccepted() {
    MapValue data = (MapValue) nested(20);
    assertThat(Documents.clientData(data, "d1")).isEqualTo(data);
  }

  @Test
  void deeperThanTwentyLevelsIsRefused() {
    // Built in code, so the check cannot lean on the JSON parser's own depth limit.
    assertThatThrownBy(() -> Documents.clientData((MapValue) nested(21), "d1"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    MapValue viaArrays = MapValue.builder().put("a", nestedArrays(20)).build();
    assertThatThrownBy(() -> Documents.clientData(viaArrays, "d1")).isInstanceOf(InvalidInputException.class);
    MapValue justFits = MapValue.builder().put("a", nestedArrays(19)).build();
    assertThat(Documents.clientData(justFits, "d1")).isEqualTo(justFits);
  }

  @Test
  void oneMebibyteIsAccepted() {
    MapValue data = stringDoc(Documents.MAX_DOCUMENT_BYTES);
    assertThat(Json.encodedLength(data)).isEqualTo(1 << 20);
    assertThat(Documents.clientData(data, "d1")).isEqualTo(data);
  }

  @Test
  void overOneMebibyteIsPayloadTooLarge() {
    MapValue data = stringDoc(Documents.MAX_DOCUMENT_BYTES + 1);
    assertThatThrownBy(() -> Documents.clientData(data, "d1"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
          assertThat(e.code().httpStatus()).isEqualTo(413);
        });
  }

  @Test
  void sizeCountsUtf8BytesAsSent() {
    // 200,000 emoji are 800,000 bytes of UTF-8: well under the limit, whatever UTF-16 or escapes say.
    MapValue data = MapValue.builder().put("s", new StringValue("😀".repeat(200_000))).build();
    assertThat(Documents.clientData(data, "d1")).isEqualTo(data);
  }

  @Test
  void strippedIdDoesNotCountTowardsTheLimit() {
    MapValue exact = stringDoc(Documents.MAX_DOCUMENT_BYTES);
    MapValue withId = MapValue.builder().putAll(exact).put("id", new StringValue("d1")).build();
    assertThat(Documents.clientData(withId, "d1")).isEqualTo(exact);
  }

  @Test
  void newIdsAreValidBodyIdsAndDistinct() {
    String a = Documents.newId();
    assertThat(a).hasSize(36);
    assertThat(ResourcePaths.bodyId(new StringValue(a))).isEqualTo(a);
    assertThat(Documents.newId()).isNotEqualTo(a);
  }

  private static MapValue body(String json) {
    return (MapValue) Json.parse(json);
  }

  /** {"s":"xxx…"} of exactly {@code bytes} bytes of compact JSON. */
  private static MapValue stringDoc(int bytes) {
    int overhead = "{\"s\":\"\"}".length();
    return MapValue.builder().put("s", new StringValue("x".repeat(bytes - overhead))).build();
  }

  /** {@code depth} maps nested inside each other, the outermost included. */
  private static Value nested(int depth) {
    Value v = MapValue.builder().put("leaf", IntegerValue.of(1)).build();
    for (int i = 1; i < depth; i++) {
      v = MapValue.builder().put("m", v).build();
    }
    return v;
  }

  private static Value nestedArrays(int depth) {
    Value v = ArrayValue.EMPTY;
    for (int i = 1; i < depth; i++) {
      v = ArrayValue.of(v);
    }
    return v;
  }
}
