package io.syntrix.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Path and id rules ({@link ResourcePaths}, {@link CollectionPath}, {@link DocumentPath}). */
class PathsTest {
  @ParameterizedTest
  @ValueSource(strings = {"users", "rooms/r1/messages", "a/b/c/d/e", "A-Z_0.9", "sys", "x/./y", "x/../y"})
  void oddSegmentCountIsACollection(String path) {
    assertThat(CollectionPath.of(path).value()).isEqualTo(path);
    assertThatThrownBy(() -> DocumentPath.of(path)).isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"users/alice", "rooms/r1/messages/m1", "a/b/c/d", "u/..", "u/.", "u/-_.09aZ"})
  void evenSegmentCountIsADocument(String path) {
    assertThat(DocumentPath.of(path).value()).isEqualTo(path);
    assertThatThrownBy(() -> CollectionPath.of(path)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void documentPathSplitsIntoCollectionAndId() {
    DocumentPath p = DocumentPath.of("rooms/r1/messages/m1");
    assertThat(p.id()).isEqualTo("m1");
    assertThat(p.collection()).isEqualTo(CollectionPath.of("rooms/r1/messages"));
    assertThat(CollectionPath.of("users").document("bob")).isEqualTo(DocumentPath.of("users/bob"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"users/al ice", "users/alice!", "users/ali%20ce", "users/älice", "users/a:b", "users/a@b",
      "users\\alice", "users/a+b", "users/😀", "users/a\u0000"})
  void refusesCharactersOutsideTheAllowedSet(String path) {
    assertThatThrownBy(() -> DocumentPath.of(path)).isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/users", "users/", "/users/", "rooms//messages", "//", "/", "rooms/r1//m1"})
  void refusesEmptySegments(String path) {
    assertThatThrownBy(() -> CollectionPath.of(path)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> DocumentPath.of(path)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void refusesEmptyAndNullPaths() {
    assertThatThrownBy(() -> CollectionPath.of("")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CollectionPath.of(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> DocumentPath.of(null)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void pathsMayBe1024CharactersLong() {
    // c/<id>/c/<id>/... with ids of 100 characters, padded to exactly 1024.
    String path = longPath(1024);
    assertThat(path).hasSize(1024);
    assertThat(CollectionPath.of(path).value()).isEqualTo(path);
    String longer = longPath(1025);
    assertThat(longer).hasSize(1025);
    assertThatThrownBy(() -> CollectionPath.of(longer)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("1024");
  }

  @Test
  void documentIdsInPathsMayBe128Characters() {
    String id128 = "x".repeat(128);
    assertThat(DocumentPath.of("users/" + id128).id()).isEqualTo(id128);
    assertThat(CollectionPath.of("users/" + id128 + "/posts").value()).endsWith("/posts");
    assertThatThrownBy(() -> DocumentPath.of("users/" + id128 + "y")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> CollectionPath.of("users/" + id128 + "y/posts"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> DocumentPath.of("a/b/c/" + id128 + "y")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void collectionSegmentsAreOnlyBoundByThePathLength() {
    String name = "c".repeat(300);
    assertThat(CollectionPath.of(name).value()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "alice", "A-z_0.9", "-", ".", "..", "0"})
  void bodyIdStringsOfAllowedCharactersAreAccepted(String id) {
    assertThat(ResourcePaths.bodyId(new StringValue(id))).isEqualTo(id);
  }

  @Test
  void bodyIdStringsAreOneTo64Characters() {
    String id64 = "i".repeat(64);
    assertThat(ResourcePaths.bodyId(new StringValue(id64))).isEqualTo(id64);
    assertThatThrownBy(() -> ResourcePaths.bodyId(new StringValue(id64 + "i")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ResourcePaths.bodyId(new StringValue("")))
        .isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a/b", "a:b", "ä", "😀", "a\n", "a\u0000"})
  void bodyIdStringsWithOtherCharactersAreRefused(String id) {
    assertThatThrownBy(() -> ResourcePaths.bodyId(new StringValue(id))).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void integerBodyIdsAreRefusedAsTheOriginalDoes() {
    for (long n : new long[] {42, 0, -7, Long.MIN_VALUE}) {
      assertThatThrownBy(() -> ResourcePaths.bodyId(IntegerValue.of(n))).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("must be a string, got a number");
    }
  }

  @Test
  void otherBodyIdTypesAreRefused() {
    for (Value v : new Value[] {new DoubleValue(42.0), new DoubleValue(1.5), BooleanValue.TRUE, NullValue.INSTANCE,
        ArrayValue.of(new StringValue("a")), MapValue.EMPTY}) {
      assertThatThrownBy(() -> ResourcePaths.bodyId(v)).as(String.valueOf(v))
          .isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void databaseNames() {
    assertThat(ResourcePaths.requireDatabase("default")).isEqualTo("default");
    assertThat(ResourcePaths.requireDatabase("id:0123456789abcdef")).isEqualTo("id:0123456789abcdef");
    assertThatThrownBy(() -> ResourcePaths.requireDatabase("")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ResourcePaths.requireDatabase(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ResourcePaths.requireDatabase("a/b")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> ResourcePaths.requireDatabase("d".repeat(65))).isInstanceOf(InvalidInputException.class);
  }

  /** An odd-segment path of exactly {@code length} characters whose ids stay within 128. */
  private static String longPath(int length) {
    StringBuilder b = new StringBuilder("c");
    while (b.length() + 2 * 102 <= length) {
      b.append('/').append("i".repeat(100)).append('/').append('c');
    }
    // pad the last collection segment (collection names have no own limit)
    b.append("c".repeat(length - b.length()));
    return b.toString();
  }
}
