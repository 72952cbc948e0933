package io.syntrix.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {
  @Test
  void tablesPutPhasesSideBySideInTextAndNestInJson() {
    Report report = new Report();
    Report.Table phases = report.table("phases");
    Histogram h = new Histogram(Ledger.MAX_MICROS, 3);
    h.recordValue(1500);
    phases.column("phaseA").put("missing", 0L);
    phases.column("phaseA").put("ackToReceiptMs", Report.Latency.of(h));
    phases.column("phaseB").put("missing", 3L);
    phases.column("phaseB").put("ackToReceiptMs", Report.Latency.of(new Histogram(Ledger.MAX_MICROS, 3)));
    report.section("verdict").put("healthy", false);

    String text = report.text();
    assertThat(text).contains("phases\n").contains("phaseA").contains("phaseB");
    assertThat(text).containsPattern("missing +0 +3\n");
    assertThat(text).containsPattern("ackToReceiptMs +1\\.500 / 1\\.500 / 1\\.500 / 1\\.500 +-\n");
    assertThat(text).contains("(latencies: p50 / p99 / p99.9 / max ms)");
    assertThat(report.json()).contains("\"phaseB\" : {").contains("\"p99Ms\" : 1.5");
  }

  @Test
  void stalledConnectionsCoverTheRoomsInTurn() {
    int[][] rooms = HostilePhase.stalledRooms(3, 4, 10);
    assertThat(rooms[0]).containsExactly(0, 1, 2, 3);
    assertThat(rooms[2]).containsExactly(8, 9, 0, 1);
    assertThat(HostilePhase.stalledRooms(2, 5, 5)[1]).containsExactly(0, 1, 2, 3, 4); // n = R: every room
  }
}
