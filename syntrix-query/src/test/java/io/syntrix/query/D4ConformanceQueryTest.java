package io.syntrix.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Filter;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.InvalidInputException;
import io.syntrix.model.MapValue;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.model.StringValue;
import io.syntrix.model.SystemFields;
import io.syntrix.model.Value;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import io.syntrix.testkit.D4Case;
import io.syntrix.testkit.D4Cases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the D4 conformance table as a query: the row's document is stored (its system
 * fields reproduced: id, collection, version by rewrites, deleted by a delete; a filter on
 * {@code createdAt}/{@code updatedAt} is shifted by the difference between the row's and the
 * stored timestamp) and the row's filter must return it exactly when the row says it matches.
 * Each filter runs unordered and ordered by its field both ways, so index equality, range,
 * ordered and missing-merge paths all meet the table. For data-field filters an empty
 * document sits beside it, which no data filter may return.
 */
class D4ConformanceQueryTest {
  @TempDir
  static Path dir;
  private static RocksDocumentStore store;
  private static QueryEngine engine;

  @BeforeAll
  static void open() {
    store = RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
    engine = new QueryEngine(store);
  }

  @AfterAll
  static void close() {
    store.close();
  }

  static List<D4Case> cases() {
    return D4Cases.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void engineAgreesWithTheTable(D4Case c) {
    String database = "d" + c.line();
    MapValue doc = c.document();
    CollectionPath collection = collectionOf(doc);
    String id = doc.get(SystemFields.ID) instanceof StringValue s ? s.value() : "doc";
    boolean deleted = doc.get(SystemFields.DELETED) != null;
    Document stored = store(database, collection.document(id), doc, deleted);
    Filter filter = shifted(c.filter(), doc, stored);
    if (!SystemFields.isSystem(filter.field().split("\\.")[0])) {
      store.create(database, collection.document("zz-noise"), MapValue.EMPTY);
    }
    List<String> expected = c.expected() ? List.of(id) : List.of();
    for (List<OrderBy> orderBy : List.of(List.<OrderBy>of(),
        List.of(new OrderBy(filter.field(), OrderBy.Direction.ASC)),
        List.of(new OrderBy(filter.field(), OrderBy.Direction.DESC)))) {
      Query q = new Query(collection, List.of(filter), orderBy, 0, null, deleted);
      assertThat(ids(database, q)).as("%s\nplan: %s", c, engine.explain(database, q).describe())
          .isEqualTo(expected);
    }
  }

  private static CollectionPath collectionOf(MapValue doc) {
    if (doc.get(SystemFields.COLLECTION) instanceof StringValue s) {
      try {
        return CollectionPath.of(s.value());
      } catch (InvalidInputException e) {
        // fall through: not a usable path
      }
    }
    return CollectionPath.of("items");
  }

  /** Stores the row's data and reproduces its version (by rewrites) and deletion. */
  private static Document store(String database, DocumentPath path, MapValue doc, boolean deleted) {
    MapValue.Builder data = MapValue.builder().putAll(doc);
    for (String f : List.of(SystemFields.ID, SystemFields.COLLECTION, SystemFields.VERSION, SystemFields.CREATED_AT,
        SystemFields.UPDATED_AT, SystemFields.DELETED)) {
      data.remove(f);
    }
    MapValue body = data.build();
    Document d = store.create(database, path, body);
    long version = doc.get(SystemFields.VERSION) instanceof IntegerValue v ? v.value() : 1;
    while (d.version() < version - (deleted ? 1 : 0)) {
      d = store.replace(database, path, body, List.of());
    }
    return deleted ? store.delete(database, path, List.of()) : d;
  }

  /** A filter on a timestamp the store chose keeps its distance to the row's timestamp. */
  private static Filter shifted(Filter f, MapValue doc, Document stored) {
    String field = f.field();
    if (!(field.equals(SystemFields.CREATED_AT) || field.equals(SystemFields.UPDATED_AT))
        || !(f.value() instanceof IntegerValue v) || !(doc.get(field) instanceof IntegerValue rowValue)) {
      return f;
    }
    long actual = field.equals(SystemFields.CREATED_AT) ? stored.createdAt() : stored.updatedAt();
    Value moved = IntegerValue.of(v.value() + actual - rowValue.value());
    return new Filter(field, f.op(), moved);
  }

  private static List<String> ids(String database, Query q) {
    List<String> out = new ArrayList<>();
    try (QueryCursor c = engine.execute(database, q)) {
      c.forEachRemaining(d -> out.add(d.id()));
    }
    return out;
  }
}
