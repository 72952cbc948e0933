package io.syntrix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameTest {
  @Test
  void parsesAnEventWithoutLookingAtTheDocument() {
    Frame f = Frame.parse("{\"type\":\"event\",\"payload\":{\"subId\":\"s3\",\"seq\":123,\"delta\":{\"type\":\"create\","
        + "\"document\":{\"id\":\"w7\",\"room\":\"r1\",\"nested\":{\"type\":\"x\"},\"list\":[1,{\"id\":\"no\"}]},"
        + "\"id\":\"load_ab/w7\",\"timestamp\":1,\"seq\":123}}}");
    assertThat(f.type()).isEqualTo("event");
    assertThat(f.subId()).isEqualTo("s3");
    assertThat(f.deltaType()).isEqualTo("create");
    assertThat(f.deltaId()).isEqualTo("load_ab/w7");
    assertThat(f.seq()).isEqualTo(123);
    assertThat(Frame.writeIndex(f.deltaId(), "load_ab")).isEqualTo(7);
    assertThat(Frame.subscriptionIndex(f.subId())).isEqualTo(3);
  }

  @Test
  void parsesControlFrames() {
    assertThat(Frame.parse("{\"id\":\"auth-init\",\"type\":\"auth_ack\"}").id()).isEqualTo("auth-init");
    Frame error = Frame.parse("{\"type\":\"error\",\"payload\":{\"code\":\"slow_consumer\",\"message\":\"behind\"}}");
    assertThat(error.code()).isEqualTo("slow_consumer");
    assertThat(error.message()).isEqualTo("behind");
    assertThat(Frame.parse("not json").type()).isEqualTo("invalid");
    assertThat(Frame.parse("[1]").type()).isEqualTo("invalid");
  }

  @Test
  void refusesIdsThatAreNotWritesOfThisRun() {
    assertThat(Frame.writeIndex("other/w7", "load_ab")).isEqualTo(-1);
    assertThat(Frame.writeIndex("load_abc/w7", "load_ab")).isEqualTo(-1);
    assertThat(Frame.writeIndex("load_ab/x7", "load_ab")).isEqualTo(-1);
    assertThat(Frame.writeIndex("load_ab/w", "load_ab")).isEqualTo(-1);
    assertThat(Frame.writeIndex("load_ab/w7a", "load_ab")).isEqualTo(-1);
    assertThat(Frame.writeIndex("load_ab/w1234567890", "load_ab")).isEqualTo(-1);
    assertThat(Frame.writeIndex(null, "load_ab")).isEqualTo(-1);
    assertThat(Frame.subscriptionIndex("x1")).isEqualTo(-1);
    assertThat(Frame.subscriptionIndex("s")).isEqualTo(-1);
    assertThat(Frame.subscriptionIndex(null)).isEqualTo(-1);
  }

  @Test
  void readsTheServersEventLayoutLikeTheFullParser() {
    String[] events = {
        "{\"type\":\"event\",\"payload\":{\"subId\":\"s3\",\"seq\":42,\"delta\":{\"type\":\"create\","
            + "\"document\":{\"id\":\"w7\",\"room\":\"r1\",\"pad\":\"xx\",\"m\":{\"id\":\"no\"}},"
            + "\"id\":\"load_ab/w7\",\"timestamp\":1700000000000,\"seq\":42}}}",
        "{\"type\":\"event\",\"payload\":{\"subId\":\"s0\",\"seq\":9,\"delta\":{\"type\":\"delete\","
            + "\"id\":\"c/d\",\"timestamp\":1,\"seq\":9}}}",
        // escapes and other shapes fall back to the parser
        "{\"type\":\"event\",\"payload\":{\"subId\":\"s1\",\"seq\":5,\"delta\":{\"type\":\"create\","
            + "\"document\":{\"q\":\"a\\\"id\\\":\\\"x\"},\"id\":\"c/w1\",\"timestamp\":1,\"seq\":5}}}",
        "{\"payload\":{\"subId\":\"s1\",\"delta\":{\"id\":\"c/w1\",\"type\":\"update\",\"seq\":5}},\"type\":\"event\"}",
    };
    for (String text : events) {
      assertThat(Frame.read(text)).as(text).isEqualTo(Frame.parse(text));
    }
    assertThat(Frame.read(events[0]).deltaId()).isEqualTo("load_ab/w7");
    assertThat(Frame.read("{\"type\":\"heartbeat\"}").type()).isEqualTo("heartbeat");
  }

  @Test
  void readsSnapshotPages() {
    Frame page = Frame.parse("{\"id\":\"st\",\"type\":\"snapshot\",\"payload\":{\"subId\":\"st\",\"documents\":"
        + "[{\"id\":\"w1\",\"a\":[1,2]},{\"id\":\"w2\"}],\"seq\":77,\"reset\":true,\"complete\":false}}");
    assertThat(page.type()).isEqualTo("snapshot");
    assertThat(page.documents()).isEqualTo(2);
    assertThat(page.seq()).isEqualTo(77);
    assertThat(page.reset()).isTrue();
    assertThat(page.complete()).isFalse();
    Frame last = Frame.parse("{\"type\":\"snapshot\",\"payload\":{\"subId\":\"st\",\"documents\":[],\"seq\":77}}");
    assertThat(last.documents()).isZero();
    assertThat(last.reset()).isFalse();
    assertThat(last.complete()).isTrue();
  }
}
