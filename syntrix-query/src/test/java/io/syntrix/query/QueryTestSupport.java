package io.syntrix.query;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.store.DocumentStore;
import io.syntrix.store.rocksdb.RocksDocumentStore;
import io.syntrix.store.rocksdb.RocksStoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh store per test (RocksDB unless a subclass opens another engine), an engine on it, and a small query builder. */
abstract class QueryTestSupport {
  static final String DB = "test";

  @TempDir
  Path dir;
  DocumentStore store;
  QueryEngine engine;

  @BeforeEach
  void openStore() throws Exception {
    store = open(dir);
    engine = new QueryEngine(store);
  }

  /** The store the test runs on. */
  DocumentStore open(Path dir) throws Exception {
    return RocksDocumentStore.open(RocksStoreOptions.defaults(dir));
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
  }

  void put(String collection, String id, String json) {
    store.create(DB, CollectionPath.of(collection).document(id), (MapValue) Json.parse(json));
  }

  void delete(String collection, String id) {
    store.delete(DB, CollectionPath.of(collection).document(id), List.of());
  }

  List<Document> run(Q q) {
    try (QueryCursor c = engine.execute(DB, q.build())) {
      List<Document> out = new ArrayList<>();
      c.forEachRemaining(out::add);
      return out;
    }
  }

  List<String> ids(Q q) {
    return run(q).stream().map(Document::id).toList();
  }

  static Q q(String collection) {
    return new Q(collection);
  }

  /** Builds a {@link Query}; values are JSON. */
  static final class Q {
    private final String collection;
    private final List<Filter> filters = new ArrayList<>();
    private final List<OrderBy> orderBy = new ArrayList<>();
    private int limit;
    private String startAfter;
    private boolean showDeleted;

    Q(String collection) {
      this.collection = collection;
    }

    Q where(String field, String op, String json) {
      filters.add(Filter.of(field, op, Json.parse(json)));
      return this;
    }

    Q where(Filter f) {
      filters.add(f);
      return this;
    }

    Q asc(String field) {
      orderBy.add(new OrderBy(field, OrderBy.Direction.ASC));
      return this;
    }

    Q desc(String field) {
      orderBy.add(new OrderBy(field, OrderBy.Direction.DESC));
      return this;
    }

    Q orderBy(OrderBy o) {
      orderBy.add(o);
      return this;
    }

    Q limit(int limit) {
      this.limit = limit;
      return this;
    }

    Q startAfter(String id) {
      this.startAfter = id;
      return this;
    }

    Q showDeleted() {
      this.showDeleted = true;
      return this;
    }

    Q showDeleted(boolean show) {
      this.showDeleted = show;
      return this;
    }

    Query build() {
      return new Query(CollectionPath.of(collection), filters, orderBy, limit, startAfter, showDeleted);
    }

    @Override
    public String toString() {
      return "where " + filters + " orderBy " + orderBy + " limit " + limit + " startAfter " + startAfter
          + (showDeleted ? " showDeleted" : "");
    }
  }
}
