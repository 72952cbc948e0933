package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.gateway.realtime.RealtimeOptions;
import io.syntrix.model.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir
  Path dir;

  @Test
  void theRealtimeSectionSetsFlowControlAndLimitsAndFlagsOverrideIt() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, """
        realtime:
          maxPendingBytes: 1048576
          maxResumeChanges: 500
          maxSubscriptionsPerConnection: 7
          maxConnectionsPerUser: 3
          messagesPerSecond: 9
          authDeadlineMillis: 2000
          catchUpBytesPerSecond: 0
        """);
    RealtimeOptions r = ServerConfig.defaults().withFile(file).withConnectionLimits(null, 0).realtime();
    assertThat(r.maxPendingBytes()).isEqualTo(1L << 20);
    assertThat(r.maxResumeChanges()).isEqualTo(500);
    assertThat(r.maxSubscriptionsPerConnection()).isEqualTo(7);
    assertThat(r.maxConnectionsPerUser()).isEqualTo(3);
    assertThat(r.maxConnectionsPerIp()).as("the flag lifts it").isZero();
    assertThat(r.messagesPerSecond()).isEqualTo(9);
    assertThat(r.authDeadlineMillis()).isEqualTo(2000);
    assertThat(r.catchUpBytesPerSecond()).as("0 lifts the catch-up rate").isZero();
    assertThat(r.maxPendingFrames()).as("untouched keys keep their defaults")
        .isEqualTo(RealtimeOptions.defaults().maxPendingFrames());
  }

  @Test
  void anOutOfRangeRealtimeSettingIsAClearError() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "realtime:\n  maxPendingBytes: 10\n");
    assertThatThrownBy(() -> ServerConfig.defaults().withFile(file))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("realtime");
    assertThatThrownBy(() -> ServerConfig.defaults().withConnectionLimits(-1, null))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void theResponseDeadlineAndSortLimitsComeFromTheFile() throws Exception {
    ServerConfig defaults = ServerConfig.defaults();
    assertThat(defaults.responseDeadlineMillis()).isEqualTo(60_000);
    assertThat(defaults.querySort()).isEqualTo(io.syntrix.query.SortLimits.DEFAULTS);
    Path file = dir.resolve("limits.yaml");
    Files.writeString(file, """
        server:
          responseDeadlineMillis: 5000
        query:
          maxSortDocuments: 500
        """);
    ServerConfig c = defaults.withFile(file);
    assertThat(c.responseDeadlineMillis()).isEqualTo(5_000);
    assertThat(c.querySort().maxDocuments()).isEqualTo(500);
    assertThat(c.querySort().maxBytes()).as("untouched").isEqualTo(io.syntrix.query.SortLimits.DEFAULTS.maxBytes());
    Files.writeString(file, "server:\n  responseDeadlineMillis: 0\n");
    assertThatThrownBy(() -> defaults.withFile(file)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("responseDeadlineMillis");
    Files.writeString(file, "query:\n  maxSortDocuments: 0\n");
    assertThatThrownBy(() -> defaults.withFile(file)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("query");
  }
}
