package io.syntrix.streamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The streamer's position survives a restart, and a gateway resuming across it loses nothing. */
class StreamerRestartTest extends StreamerTestSupport {
  @Test
  void aRestartedStreamerResumesWhereItStoppedAndResumingGatewaysGetEveryChangeOnce() {
    openStore();
    Checkpoint checkpoint = Checkpoint.file(dir.resolve("streamer/position"));
    startStreamer(defaults().withCheckpoint(checkpoint));
    RecordingHandler before = new RecordingHandler();
    streamer.open("gw", before).subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()));
    for (int i = 0; i < 100; i++) {
      put("d" + (i % 10), "{\"n\":" + i + "}");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> streamer.position() == 100);
    streamer.close();
    long lastSeen = before.cutOff.join().resumeAfter().get("all");
    assertThat(lastSeen).isEqualTo(100);
    assertThat(checkpoint.load()).isEqualTo(OptionalLong.of(100));

    for (int i = 100; i < 150; i++) { // while the streamer is down
      put("d" + (i % 10), "{\"n\":" + i + "}");
    }
    startStreamer(defaults().withCheckpoint(checkpoint));
    RecordingHandler after = new RecordingHandler();
    SubscribeResult r = streamer.open("gw", after)
        .subscribe(SubscribeRequest.live("all", DB, ROOMS, List.of()).withResumeAfter(lastSeen));
    assertThat(r.resume()).isIn(SubscribeResult.Resume.REPLAY, SubscribeResult.Resume.UP_TO_DATE);
    await().atMost(Duration.ofSeconds(10)).until(() -> streamer.position() == 150 && after.deliveries.size() == 50);
    assertThat(meters.get("syntrix.streamer.changes").counter().count()).as("the 50 missed changes, not more")
        .isEqualTo(50 + 100);
    assertThat(before.hits("all")).extracting(RecordingHandler.Hit::seq)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
    assertThat(after.hits("all")).extracting(RecordingHandler.Hit::seq)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(101, 150).boxed().toList());
  }
}
