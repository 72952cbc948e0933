package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.model.DocumentPath;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.SyntrixException;
import io.syntrix.model.Value;
import io.syntrix.store.Cursor;
import io.syntrix.store.DocumentStore;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the store contract suites: every {@link DocumentStore} engine extends each suite with
 * a class that only says how to open a fresh, empty store.
 */
public abstract class StoreContractSupport {
  protected static final String DB = "contract";
  protected DocumentStore store;

  /** A new, empty store; it is closed after each test. */
  protected abstract DocumentStore openStore();

  /**
   * The highest seq the store has given a committed write, 0 before the first. Engines whose
   * change log is wired answer {@code store.changeLog().lastSeq()}; an engine that hands out seqs
   * before its change log exists (PostgreSQL while its sequencer is being built) answers from
   * the seqs it handed out, so write tests still check that failed writes consume none.
   */
  protected long lastSeq() {
    return store.changeLog().lastSeq();
  }

  @BeforeEach
  void openFreshStore() {
    store = openStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static MapValue json(String json) {
    return (MapValue) Json.parse(json);
  }

  protected static Value value(String json) {
    return Json.parse(json);
  }

  protected static DocumentPath path(String path) {
    return DocumentPath.of(path);
  }

  protected static List<Filter> ifMatch(String jsonArray) {
    return Filter.listFromValue(Json.parse(jsonArray));
  }

  protected static <T> List<T> drain(Cursor<T> cursor) {
    try (cursor) {
      List<T> out = new ArrayList<>();
      cursor.forEachRemaining(out::add);
      return out;
    }
  }

  protected static void assertFailsWith(ErrorCode code, ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(SyntrixException.class)
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((SyntrixException) e).code()).isEqualTo(code));
  }
}
