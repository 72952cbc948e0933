package io.syntrix.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.Document;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import io.syntrix.store.IndexEntry;
import io.syntrix.store.IndexRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Collection scans and single-field index scans: id order, start-after positions, ranges with
 * inclusive and exclusive bounds in both directions, type bracketing, and index entries kept in
 * step with the documents.
 */
public abstract class DocumentScanContract extends StoreContractSupport {
  private static final CollectionPath ITEMS = CollectionPath.of("items");

  private List<String> ids(IndexRange range, boolean descending, IndexEntry startAfter) {
    return drain(store.scanIndex(DB, ITEMS, "v", range, descending, startAfter)).stream().map(IndexEntry::docId).toList();
  }

  private void put(String id, String json) {
    store.create(DB, ITEMS.document(id), json(json));
  }

  @Test
  void collectionScanIsInIdOrderAndSkipsSubcollectionsAndTombstones() {
    put("b", "{}");
    put("a", "{}");
    put("c", "{}");
    put("ab", "{}");
    store.create(DB, path("items/a/sub/x"), json("{}"));
    store.create(DB, path("itemsX/z"), json("{}"));
    store.delete(DB, ITEMS.document("c"), List.of());
    assertThat(drain(store.scanCollection(DB, ITEMS, null, false)).stream().map(Document::id))
        .containsExactly("a", "ab", "b");
    assertThat(drain(store.scanCollection(DB, ITEMS, null, true)).stream().map(Document::id))
        .containsExactly("a", "ab", "b", "c");
    assertThat(drain(store.scanCollection(DB, ITEMS, "a", false)).stream().map(Document::id))
        .containsExactly("ab", "b");
    assertThat(drain(store.scanCollection(DB, ITEMS, "aa", false)).stream().map(Document::id))
        .containsExactly("ab", "b");
    assertThat(drain(store.scanCollection(DB, CollectionPath.of("items/a/sub"), null, false))).hasSize(1);
  }

  @Test
  void collectionScanRunsDescendingWithStartAfterPositions() {
    put("b", "{}");
    put("a", "{}");
    put("c", "{}");
    put("ab", "{}");
    store.create(DB, path("items/a/sub/x"), json("{}"));
    store.create(DB, path("items/c/sub/y"), json("{}"));
    store.create(DB, path("itemsX/z"), json("{}"));
    store.create(DB, path("item/z"), json("{}"));
    store.delete(DB, ITEMS.document("b"), List.of());
    assertThat(drain(store.scanCollection(DB, ITEMS, null, false, true)).stream().map(Document::id))
        .containsExactly("c", "ab", "a");
    assertThat(drain(store.scanCollection(DB, ITEMS, null, true, true)).stream().map(Document::id))
        .containsExactly("c", "b", "ab", "a");
    assertThat(drain(store.scanCollection(DB, ITEMS, "c", true, true)).stream().map(Document::id))
        .containsExactly("b", "ab", "a");
    assertThat(drain(store.scanCollection(DB, ITEMS, "ab", false, true)).stream().map(Document::id))
        .containsExactly("a");
    assertThat(drain(store.scanCollection(DB, ITEMS, "bb", false, true)).stream().map(Document::id))
        .as("a start-after id that is not stored").containsExactly("ab", "a");
    assertThat(drain(store.scanCollection(DB, ITEMS, "a", false, true))).isEmpty();
    assertThat(drain(store.scanCollection(DB, ITEMS, "zz", false, false))).isEmpty();
    assertThat(drain(store.scanCollection(DB, CollectionPath.of("empty"), null, true, true))).isEmpty();
  }

  @Test
  void equalityFindsIntegersAndDoublesAlike() {
    put("i", "{\"v\":1}");
    put("d", "{\"v\":1.0}");
    put("s", "{\"v\":\"1\"}");
    put("two", "{\"v\":2}");
    assertThat(ids(IndexRange.equalTo(IntegerValue.of(1)), false, null)).containsExactly("d", "i");
    assertThat(ids(IndexRange.equalTo(Value.of(1.0)), false, null)).containsExactly("d", "i");
    assertThat(ids(IndexRange.equalTo(new StringValue("1")), false, null)).containsExactly("s");
  }

  @Test
  void rangesHonourInclusiveAndExclusiveBoundsInBothDirections() {
    for (int i = 0; i < 10; i++) {
      put("d" + i, "{\"v\":" + i + "}");
    }
    assertThat(ids(IndexRange.between(Value.of(2), true, Value.of(5), false), false, null))
        .containsExactly("d2", "d3", "d4");
    assertThat(ids(IndexRange.between(Value.of(2), false, Value.of(5), true), false, null))
        .containsExactly("d3", "d4", "d5");
    assertThat(ids(IndexRange.between(Value.of(2), false, Value.of(5), true), true, null))
        .containsExactly("d5", "d4", "d3");
    assertThat(ids(IndexRange.between(Value.of(1.5), true, Value.of(3.5), true), true, null))
        .containsExactly("d3", "d2");
    assertThat(ids(IndexRange.greaterThan(Value.of(7)), false, null)).containsExactly("d8", "d9");
    assertThat(ids(IndexRange.atMost(Value.of(1)), true, null)).containsExactly("d1", "d0");
  }

  @Test
  void rangesAreTypeBracketed() {
    put("n", "{\"v\":null}");
    put("f", "{\"v\":false}");
    put("t", "{\"v\":true}");
    put("neg", "{\"v\":-3.5}");
    put("zero", "{\"v\":0}");
    put("s", "{\"v\":\"abc\"}");
    put("empty", "{\"v\":\"\"}");
    put("arr", "{\"v\":[1]}");
    put("map", "{\"v\":{\"a\":1}}");
    put("none", "{\"w\":1}");
    assertThat(ids(IndexRange.lessThan(Value.of(1)), false, null)).containsExactly("neg", "zero");
    assertThat(ids(IndexRange.atLeast(Value.of(-100)), false, null)).containsExactly("neg", "zero");
    assertThat(ids(IndexRange.greaterThan(new StringValue("")), false, null)).containsExactly("s");
    assertThat(ids(IndexRange.atMost(Value.of(true)), false, null)).containsExactly("f", "t");
    assertThat(ids(IndexRange.equalTo(Value.nullValue()), false, null)).containsExactly("n");
    assertThat(ids(IndexRange.lessThan(value("[2]")), false, null)).containsExactly("arr");
    assertThat(ids(IndexRange.equalTo(value("{\"a\":1.0}")), false, null)).containsExactly("map");
    assertThat(drain(store.scanIndex(DB, ITEMS, "v", IndexRange.ALL, false, null)).stream().map(IndexEntry::docId))
        .as("every value in D4 order; a missing field has no entry")
        .containsExactly("n", "f", "t", "neg", "zero", "empty", "s", "arr", "map");
  }

  @Test
  void indexOrderMatchesTheD4OrderOfValues() {
    String[] values = {"null", "false", "-9007199254740993", "-9007199254740992.0", "-1.5", "-1", "-0.0", "0", "1e-300", "0.5", "1",
        "9007199254740992", "9007199254740993", "9.2e18", "9223372036854775807", "1e300", "\"\"", "\"a\"", "\"a\\u0000\"",
        "\"ab\"", "\"\\uffff\"", "\"\\ud83d\\ude00\"", "[]", "[null]", "[1]", "[1,\"a\"]", "[1.5]", "[[]]", "{}",
        "{\"\":null}", "{\"a\":1}", "{\"a\":1,\"b\":0}", "{\"a\":2}", "{\"b\":0}"};
    for (int i = 0; i < values.length; i++) {
      put("x" + i, "{\"v\":" + values[i] + "}");
    }
    List<IndexEntry> entries = drain(store.scanIndex(DB, ITEMS, "v", IndexRange.ALL, false, null));
    assertThat(entries).hasSize(values.length);
    for (int i = 1; i < entries.size(); i++) {
      assertThat(Values.compare(entries.get(i - 1).value(), entries.get(i).value()))
          .as("%s before %s", entries.get(i - 1), entries.get(i)).isLessThanOrEqualTo(0);
    }
    Document big = store.get(DB, ITEMS.document("x14")).orElseThrow();
    assertThat(Values.equal(big.data().get("v"), entries.get(14).value())).isTrue();
    for (IndexEntry e : entries) {
      Document d = store.get(DB, ITEMS.document(e.docId())).orElseThrow();
      assertThat(Values.equal(d.data().get("v"), e.value())).as("entry of %s decodes to its value", e.docId()).isTrue();
    }
  }

  @Test
  void startAfterContinuesStrictlyAfterThePositionWithTiesBrokenById() {
    put("a", "{\"v\":1}");
    put("b", "{\"v\":1}");
    put("c", "{\"v\":1}");
    put("d", "{\"v\":2}");
    IndexEntry atB = new IndexEntry(Value.of(1), "b");
    assertThat(ids(IndexRange.ALL, false, atB)).containsExactly("c", "d");
    assertThat(ids(IndexRange.ALL, true, atB)).containsExactly("a");
    assertThat(ids(IndexRange.equalTo(Value.of(1)), false, atB)).containsExactly("c");
    assertThat(ids(IndexRange.atLeast(Value.of(2)), false, atB)).containsExactly("d");
  }

  /**
   * Values whose index entry would pass Firestore's 1,500 bytes (long strings, big arrays and
   * maps) need not be in the index, but every scan must still return them, in order, with ranges
   * and start-after positions exactly as for small values. Strings sharing their first 1,600
   * characters, a prefix of another huge string, and the boundary lengths around 1,500 bytes are
   * the hard cases; the expected scans come from the documents themselves.
   */
  @Test
  void valuesTooLargeToIndexAreStillScannedInOrder() {
    String h = "h".repeat(1600);
    String[] values = {"null", "7", "\"a\"", "\"h\"", q(h), q(h + "a"), q(h + "b"), q(h + "b"), q(h + "\\u0000"),
        q("h".repeat(1496)), q("h".repeat(1497)), q("h".repeat(1498)), q("h".repeat(1499)), "\"i\"",
        "[" + ("\"xxxxxxxxxx\",".repeat(200)) + "1]", "[" + ("\"xxxxxxxxxx\",".repeat(200)) + "2]", "[1]",
        "{\"k\":" + q(h) + "}", "{\"k\":\"small\"}"};
    for (int i = 0; i < values.length; i++) {
      put("x" + i, "{\"v\":" + values[i] + "}");
    }
    String huge = h + "b";
    assertThat(store.get(DB, ITEMS.document("x6")).orElseThrow().data().get("v")).isEqualTo(new StringValue(huge));
    List<IndexRange> ranges = List.of(IndexRange.ALL, IndexRange.equalTo(new StringValue(huge)),
        IndexRange.equalTo(new StringValue("h".repeat(1497))), IndexRange.equalTo(new StringValue("h".repeat(1498))),
        IndexRange.greaterThan(new StringValue(h)), IndexRange.atLeast(new StringValue(h)),
        IndexRange.lessThan(new StringValue(huge)), IndexRange.atMost(new StringValue(huge)),
        IndexRange.between(new StringValue("h".repeat(1497)), false, new StringValue(h + "a"), true),
        IndexRange.lessThan(new StringValue("i")), IndexRange.greaterThan(new StringValue("a")),
        IndexRange.lessThan(value("[2]")), IndexRange.atLeast(value("{}")), IndexRange.equalTo(Value.of(7)));
    for (IndexRange range : ranges) {
      for (boolean descending : new boolean[] {false, true}) {
        List<IndexEntry> expected = expectedScan(range, descending);
        assertThat(drain(store.scanIndex(DB, ITEMS, "v", range, descending, null)))
            .as("%s %s", range, descending ? "desc" : "asc").usingElementComparator(DocumentScanContract::sameEntry)
            .containsExactlyElementsOf(expected);
        for (IndexEntry position : expectedScan(IndexRange.ALL, descending)) {
          List<IndexEntry> rest = expected.stream().filter(e -> after(e, position, descending)).toList();
          assertThat(drain(store.scanIndex(DB, ITEMS, "v", range, descending, position)))
              .as("%s %s after %s", range, descending ? "desc" : "asc", position.docId())
              .usingElementComparator(DocumentScanContract::sameEntry).containsExactlyElementsOf(rest);
        }
      }
    }
    store.patch(DB, ITEMS.document("x6"), json("{\"v\":\"small now\"}"), List.of());
    store.delete(DB, ITEMS.document("x5"), List.of());
    assertThat(ids(IndexRange.between(new StringValue(h), true, new StringValue("t"), false), false, null))
        .as("a value that stops being too large leaves the overflow, a deleted one is gone").containsExactly("x4", "x8",
            "x7", "x13", "x6");
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }

  /** The index scan as the documents define it: every value of the field in range, in (value, id) order. */
  private List<IndexEntry> expectedScan(IndexRange range, boolean descending) {
    List<IndexEntry> out = new java.util.ArrayList<>();
    for (Document d : drain(store.scanCollection(DB, ITEMS, null, false))) {
      Value v = d.data().get("v");
      if (v != null && inRange(v, range)) {
        out.add(new IndexEntry(v, d.id()));
      }
    }
    java.util.Comparator<IndexEntry> order = DocumentScanContract::indexOrder;
    out.sort(descending ? order.reversed() : order);
    return out;
  }

  private static boolean inRange(Value v, IndexRange r) {
    if (r.lower() != null && (v.typeClass() != r.lower().typeClass()
        || Values.compare(v, r.lower()) < (r.lowerInclusive() ? 0 : 1))) {
      return false;
    }
    return r.upper() == null || (v.typeClass() == r.upper().typeClass()
        && Values.compare(v, r.upper()) < (r.upperInclusive() ? 1 : 0));
  }

  private static int indexOrder(IndexEntry a, IndexEntry b) {
    int c = Values.compare(a.value(), b.value());
    return c != 0 ? c : a.docId().compareTo(b.docId());
  }

  private static boolean after(IndexEntry e, IndexEntry position, boolean descending) {
    int c = indexOrder(e, position);
    return descending ? c < 0 : c > 0;
  }

  private static int sameEntry(IndexEntry a, IndexEntry b) {
    return a.docId().equals(b.docId()) && Values.equal(a.value(), b.value()) ? 0 : 1;
  }

  @Test
  void indexEntriesFollowUpdatesThatChangeOrRemoveAField() {
    put("a", "{\"v\":1,\"other\":\"x\"}");
    store.patch(DB, ITEMS.document("a"), json("{\"v\":5}"), List.of());
    assertThat(ids(IndexRange.equalTo(Value.of(1)), false, null)).isEmpty();
    assertThat(ids(IndexRange.equalTo(Value.of(5)), false, null)).containsExactly("a");
    store.replace(DB, ITEMS.document("a"), json("{\"other\":\"y\"}"), List.of());
    assertThat(ids(IndexRange.ALL, false, null)).as("field removed by replace").isEmpty();
    store.patch(DB, ITEMS.document("a"), json("{\"v\":[1,2]}"), List.of());
    assertThat(ids(IndexRange.equalTo(value("[1,2.0]")), false, null)).as("became an array").containsExactly("a");
    store.patch(DB, ITEMS.document("a"), json("{\"v\":\"s\"}"), List.of());
    assertThat(ids(IndexRange.ALL, false, null)).containsExactly("a");
    store.delete(DB, ITEMS.document("a"), List.of());
    assertThat(ids(IndexRange.ALL, false, null)).as("tombstones drop their data fields").isEmpty();
    assertThat(drain(store.scanIndex(DB, ITEMS, "other", IndexRange.ALL, false, null))).isEmpty();
  }

  @Test
  void systemFieldsAreIndexedAndTombstonesKeepThem() {
    put("a", "{}");
    put("b", "{}");
    store.patch(DB, ITEMS.document("b"), json("{\"x\":1}"), List.of());
    store.delete(DB, ITEMS.document("a"), List.of());
    assertThat(drain(store.scanIndex(DB, ITEMS, "version", IndexRange.equalTo(Value.of(2)), false, null)))
        .extracting(IndexEntry::docId).containsExactly("a", "b");
    assertThat(drain(store.scanIndex(DB, ITEMS, "version", IndexRange.equalTo(Value.of(1)), false, null))).isEmpty();
    assertThat(drain(store.scanIndex(DB, ITEMS, "updatedAt", IndexRange.ALL, true, null))).hasSize(2);
    assertThat(drain(store.scanIndex(DB, ITEMS, "createdAt", IndexRange.ALL, false, null))).hasSize(2);
  }

  /** Field names are client input: one with U+0000 has an index of its own, apart from its neighbours. */
  @Test
  void fieldNamesMayHoldU0000() {
    put("a", "{\"v\\u0000w\":1,\"v\":1,\"s\":\"x\\u0000y\"}");
    put("b", "{\"v\":2,\"v\\u0000\":3}");
    assertThat(store.get(DB, ITEMS.document("a")).orElseThrow().data())
        .isEqualTo(json("{\"v\\u0000w\":1,\"v\":1,\"s\":\"x\\u0000y\"}"));
    assertThat(drain(store.scanIndex(DB, ITEMS, "v\u0000w", IndexRange.ALL, false, null)))
        .extracting(IndexEntry::docId).containsExactly("a");
    assertThat(drain(store.scanIndex(DB, ITEMS, "v\u0000", IndexRange.ALL, false, null)))
        .extracting(IndexEntry::docId).containsExactly("b");
    assertThat(ids(IndexRange.ALL, false, null)).containsExactly("a", "b");
    assertThat(drain(store.scanIndex(DB, ITEMS, "s", IndexRange.equalTo(new StringValue("x\u0000y")), false, null)))
        .extracting(IndexEntry::docId).containsExactly("a");
    store.patch(DB, ITEMS.document("a"), json("{\"v\\u0000w\":5}"), List.of());
    assertThat(drain(store.scanIndex(DB, ITEMS, "v\u0000w", IndexRange.equalTo(Value.of(5)), false, null)))
        .extracting(IndexEntry::docId).containsExactly("a");
  }

  @Test
  void indexScansDoNotCrossCollectionsOrDatabases() {
    put("a", "{\"v\":1}");
    store.create(DB, path("items/a/sub/s"), json("{\"v\":1}"));
    store.create("other", ITEMS.document("b"), json("{\"v\":1}"));
    store.create(DB, path("itemsB/c"), json("{\"v\":1}"));
    assertThat(ids(IndexRange.ALL, false, null)).containsExactly("a");
  }
}
