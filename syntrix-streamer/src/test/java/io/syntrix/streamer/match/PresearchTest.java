package io.syntrix.streamer.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import org.junit.jupiter.api.Test;

/** Which conjunct a subscription is indexed under. */
class PresearchTest {
  static Presearch presearch(String filtersJson) {
    return CompiledSubscription.compile(new Subscription("s", "gw", "db1", "c",
        Filter.listFromValue(Json.parse(filtersJson)))).presearch();
  }

  @Test
  void idEqualityBeatsOtherEqualities() {
    Presearch p = presearch("[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"},{\"field\":\"id\",\"op\":\"==\",\"value\":\"d\"}]");
    assertThat(p.kind()).isEqualTo(Presearch.Kind.EQUAL);
    assertThat(p.filter().field()).isEqualTo("id");
    assertThat(p.exact()).isFalse();
  }

  @Test
  void idInBeatsOtherEqualities() {
    assertThat(presearch("[{\"field\":\"room\",\"op\":\"==\",\"value\":\"a\"},{\"field\":\"id\",\"op\":\"in\",\"value\":[\"d1\",\"d2\"]}]")
        .filter().field()).isEqualTo("id");
  }

  @Test
  void equalityBeatsInAndShorterInBeatsLonger() {
    assertThat(presearch("[{\"field\":\"a\",\"op\":\"in\",\"value\":[1]},{\"field\":\"b\",\"op\":\"==\",\"value\":2}]")
        .filter().field()).isEqualTo("b");
    assertThat(presearch("[{\"field\":\"a\",\"op\":\"in\",\"value\":[1,2,3]},{\"field\":\"b\",\"op\":\"in\",\"value\":[1,2]}]")
        .filter().field()).isEqualTo("b");
  }

  @Test
  void containsThenRangeThenResidual() {
    assertThat(presearch("[{\"field\":\"a\",\"op\":\">\",\"value\":1},{\"field\":\"t\",\"op\":\"array-contains\",\"value\":2}]")
        .kind()).isEqualTo(Presearch.Kind.CONTAINS);
    Presearch range = presearch("[{\"field\":\"a\",\"op\":\"!=\",\"value\":1},{\"field\":\"b\",\"op\":\"<=\",\"value\":2}]");
    assertThat(range.kind()).isEqualTo(Presearch.Kind.RANGE);
    assertThat(range.filter().field()).isEqualTo("b");
    assertThat(presearch("[{\"field\":\"a\",\"op\":\"not-in\",\"value\":[1]}]").kind()).isEqualTo(Presearch.Kind.NONE);
    assertThat(presearch("[]").kind()).isEqualTo(Presearch.Kind.NONE);
  }

  @Test
  void aSingleIndexableFilterIsExact() {
    assertThat(presearch("[{\"field\":\"a\",\"op\":\"==\",\"value\":1}]").exact()).isTrue();
    assertThat(presearch("[{\"field\":\"a\",\"op\":\">\",\"value\":1}]").toString()).isEqualTo("range(a > 1) exact");
    assertThat(presearch("[{\"field\":\"a\",\"op\":\"==\",\"value\":1},{\"field\":\"a\",\"op\":\"==\",\"value\":1}]").exact())
        .isFalse();
  }
}
