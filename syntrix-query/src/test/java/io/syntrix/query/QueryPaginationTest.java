package io.syntrix.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPredicate;
import io.syntrix.model.FieldPath;
import io.syntrix.model.MapValue;
import io.syntrix.model.OrderBy;
import io.syntrix.model.Query;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import io.syntrix.store.Write;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paging through 2,500 documents 100 at a time with {@code startAfter} = the last id of the
 * previous page: every document exactly once, in the order of the one-shot query, which is
 * itself in result order. {@code rank} has seven values (many ties) and is missing on every
 * tenth document.
 */
class QueryPaginationTest extends QueryTestSupport {
  private static final String C = "pages";
  private static final int N = 2500;
  private static final int PAGE = 100;

  @BeforeEach
  void documents() {
    Random random = new Random(7);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      MapValue.Builder b = MapValue.builder()
          .put("group", Value.of("g" + (i % 3)))
          .put("score", Value.of(random.nextInt(50) / 4.0))
          .put("nested", MapValue.builder().put("x", Value.of(random.nextInt(20))).build());
      if (i % 10 != 0) {
        b.put("rank", Value.of(i % 7));
      }
      String id = Integer.toString(random.nextInt(1 << 30), 36) + "-" + i;
      writes.add(store.writeAsync(new Write.Create(DB, CollectionPath.of(C).document(id), b.build())));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
  }

  @Test
  void withoutOrderBy() {
    checkPaging(q -> q);
    checkPaging(q -> q.where("group", "==", "\"g1\""));
    checkPaging(q -> q.where("rank", ">=", "5"));
  }

  @Test
  void orderedByAFieldWithTiesAndMissingValues() {
    checkPaging(q -> q.asc("rank"));
    checkPaging(q -> q.desc("rank"));
    checkPaging(q -> q.asc("rank").desc("score"));
    checkPaging(q -> q.desc("rank").asc("group"));
    checkPaging(q -> q.desc("group").desc("rank"));
    checkPaging(q -> q.where("group", "==", "\"g2\"").desc("rank"));
    checkPaging(q -> q.where("rank", "in", "[1, 3]").asc("rank").desc("score"));
  }

  @Test
  void orderedByIdOrANestedField() {
    checkPaging(q -> q.desc("id"));
    checkPaging(q -> q.asc("nested.x").desc("rank"));
  }

  private void checkPaging(UnaryOperator<Q> shape) {
    List<Document> all = run(shape.apply(q(C)));
    assertResultOrder(all, shape.apply(q(C)));
    List<String> paged = new ArrayList<>();
    String after = null;
    while (true) {
      Q q = shape.apply(q(C)).limit(PAGE);
      List<String> page = ids(after == null ? q : q.startAfter(after));
      paged.addAll(page);
      if (page.size() < PAGE) {
        break;
      }
      after = page.get(page.size() - 1);
    }
    Set<String> unique = new HashSet<>(paged);
    assertThat(unique).as("no page overlaps another").hasSize(paged.size());
    assertThat(paged).as("pages of %s", shape.apply(q(C))).isEqualTo(all.stream().map(Document::id).toList());
  }

  /** Independent check of the one-shot result: complete, and each neighbour pair in order. */
  private void assertResultOrder(List<Document> docs, Q q) {
    Query query = q.build();
    long matching = run(q(C)).stream()
        .filter(d -> DocumentPredicate.compile(query.filters()).test(d.toFlat())).count();
    assertThat(docs).as("every matching document").hasSize((int) matching);
    for (int i = 1; i < docs.size(); i++) {
      assertThat(compare(query.orderBy(), docs.get(i - 1), docs.get(i))).as("%s before %s", docs.get(i - 1),
          docs.get(i)).isNegative();
    }
  }

  private static int compare(List<OrderBy> orderBy, Document x, Document y) {
    for (OrderBy o : orderBy) {
      FieldPath p = FieldPath.parse(o.field());
      Value a = p.resolve(x.toFlat());
      Value b = p.resolve(y.toFlat());
      int c = Values.compare(a == null ? Value.nullValue() : a, b == null ? Value.nullValue() : b);
      if (c != 0) {
        return o.direction() == OrderBy.Direction.DESC ? -c : c;
      }
    }
    boolean desc = !orderBy.isEmpty()
        && orderBy.get(orderBy.size() - 1).direction() == OrderBy.Direction.DESC;
    return desc ? y.id().compareTo(x.id()) : x.id().compareTo(y.id());
  }
}
