package io.syntrix.streamer;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import org.junit.jupiter.api.Test;

/** The byte estimate of queued events grows with the documents and is not below their JSON size. */
class EventSizeTest {
  static Document doc(String json) {
    return new Document(DocumentPath.of("rooms/d1"), (MapValue) Json.parse(json), 1, 0, 0, false);
  }

  static Event event(Document before, Document after) {
    return new Event(7, "db1", "rooms", "d1", before, after, 0);
  }

  @Test
  void countsBothImagesAndGrowsWithTheirContent() {
    Document small = doc("{\"a\":1}");
    Document large = doc("{\"a\":\"" + "x".repeat(100_000) + "\",\"tags\":[\"p\",\"q\"],\"m\":{\"k\":true}}");
    long none = EventSize.of(event(null, null));
    long one = EventSize.of(event(null, large));
    long both = EventSize.of(event(large, large));
    assertThat(one).isBetween(100_000L, 102_000L);
    assertThat(both - none).isEqualTo(2 * (one - none));
    assertThat(EventSize.of(event(small, null))).isLessThan(one);
  }

  @Test
  void isAtLeastTheCompactJsonSizeOfOrdinaryDocuments() {
    for (String json : new String[] {"{}", "{\"room\":\"r1\",\"score\":12}", "{\"a\":[1,2.5,null,true],\"b\":{\"c\":\"d\"}}",
        "{\"text\":\"" + "y".repeat(5_000) + "\"}"}) {
      assertThat(EventSize.of(doc(json).data())).as(json).isGreaterThanOrEqualTo(Json.encodedLength(doc(json).data()));
    }
  }
}
