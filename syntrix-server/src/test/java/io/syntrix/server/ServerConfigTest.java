package io.syntrix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syntrix.gateway.realtime.RealtimeOptions;
import io.syntrix.model.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

  @Test
  void theRoleLinkPortAndStreamersComeFromTheFileTheEnvironmentAndFlags() throws Exception {
    assertThat(ServerConfig.defaults().cluster()).isEqualTo(Cluster.STANDALONE);
    Path file = dir.resolve("cluster.yaml");
    Files.writeString(file, """
        server:
          role: gateway
          linkPort: 9100
          streamers: ["s1:9000", "s2:9000"]
        """);
    ServerConfig fromFile = ServerConfig.defaults().withFile(file);
    assertThat(fromFile.cluster()).isEqualTo(new Cluster(Cluster.Role.GATEWAY, 9100, List.of("s1:9000", "s2:9000")));
    ServerConfig fromEnv = fromFile.withEnvironment(Map.of("SYNTRIX_ROLE", "Streamer", "SYNTRIX_LINK_PORT", "9200",
        "SYNTRIX_STREAMER", "a:1, b:2"));
    assertThat(fromEnv.cluster()).isEqualTo(new Cluster(Cluster.Role.STREAMER, 9200, List.of("a:1", "b:2")));
    Cluster flags = fromEnv.cluster().with("all", "0", null);
    assertThat(flags).as("a null flag keeps the value below it").isEqualTo(new Cluster(Cluster.Role.ALL, 0, List.of("a:1", "b:2")));
    assertThat(flags.streamerAddresses()).extracting(a -> a.getHostString() + ":" + a.getPort())
        .containsExactly("a:1", "b:2");
  }

  @Test
  void aGatewayOrStreamerNeedsPostgresAndAGatewayAStreamerAddress() {
    ServerConfig rocks = ServerConfig.defaults();
    assertThat(rocks.validated()).as("standalone on the embedded store").isSameAs(rocks);
    assertThatThrownBy(() -> rocks.withCluster(rocks.cluster().with("streamer", null, null)).validated())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("--role streamer needs --store postgres");
    ServerConfig pg = rocks.withStore("postgres", "jdbc:postgresql://127.0.0.1:5432/s");
    assertThat(pg.withCluster(pg.cluster().with("streamer", null, null)).validated().cluster().role())
        .isEqualTo(Cluster.Role.STREAMER);
    assertThatThrownBy(() -> pg.withCluster(pg.cluster().with("gateway", null, null)).validated())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("--role gateway needs --streamer");
    assertThatThrownBy(() -> rocks.cluster().with("router", null, null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("role must be");
    assertThatThrownBy(() -> rocks.cluster().with(null, null, "nohost"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("host:port");
    assertThatThrownBy(() -> rocks.cluster().with(null, "70000", null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("port must be");
  }
}
