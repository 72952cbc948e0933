package io.syntrix.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.syntrix.link.proto.Delivery;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.Event;
import io.syntrix.streamer.EventDelivery;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.SubscribeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkCodecTest {
  static Document doc(String json, long version, boolean deleted) {
    return new Document(DocumentPath.of("rooms/r1/messages/m1"), (MapValue) Json.parse(json), version, 10, 20, deleted);
  }

  @Test
  void anEventSurvivesTheWireWithItsImagesAndTypes() throws Exception {
    Event e = new Event(42, "db1", "rooms/r1/messages", "m1",
        doc("{\"n\":1,\"d\":1.5,\"s\":\"é\",\"a\":[1,{\"x\":null}],\"b\":false,\"m\":{\"k\":\"v\"}}", 3, false),
        doc("{}", 4, true), 1_700_000_000_000L);
    EventDelivery d = new EventDelivery(List.of("7", "9"), List.of(Op.DELETE, Op.UPDATE), e);
    Delivery wire = Delivery.parseFrom(LinkCodec.delivery(d).toByteArray());
    assertThat(wire.getTagsList()).containsExactly(7L, 9L);
    assertThat(wire.getOperationsList()).extracting(LinkCodec::op).containsExactly(Op.DELETE, Op.UPDATE);
    assertThat(LinkCodec.event(wire.getEvent())).isEqualTo(e);
    Event created = new Event(1, "db1", "c", "m1", null, doc("{\"n\":1}", 1, false), 5);
    assertThat(LinkCodec.event(LinkCodec.event(created))).isEqualTo(created);
  }

  @Test
  void aSubscribeCarriesFiltersAndResumeAfterAndIsRegisteredUnderItsTag() {
    List<Filter> filters = Filter.listFromValue(Json.parse(
        "[{\"field\":\"room\",\"op\":\"in\",\"value\":[\"r0\",\"r3\"]},{\"field\":\"score\",\"op\":\">\",\"value\":10}]"));
    SubscribeRequest r = new SubscribeRequest("client-sub", "db1", "rooms", filters, 17);
    SubscribeRequest back = LinkCodec.subscribeRequest(LinkCodec.subscribe(5, r));
    assertThat(back).isEqualTo(new SubscribeRequest("5", "db1", "rooms", filters, 17));
    assertThat(LinkCodec.subscribeRequest(LinkCodec.subscribe(6, SubscribeRequest.live("x", "db1", "rooms",
        List.of()))).resumeAfter()).isEqualTo(SubscribeRequest.LIVE);
  }

  @Test
  void everyReasonAndResumeOutcomeMapsBothWays() {
    for (CutOff.Reason r : CutOff.Reason.values()) {
      assertThat(LinkCodec.reason(LinkCodec.reason(r))).isEqualTo(r);
    }
    for (SubscribeResult.Resume r : SubscribeResult.Resume.values()) {
      assertThat(LinkCodec.resume(LinkCodec.resume(r))).isEqualTo(r);
    }
    for (Op op : Op.values()) {
      assertThat(LinkCodec.op(LinkCodec.op(op))).isEqualTo(op);
    }
  }
}
