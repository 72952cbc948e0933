package io.syntrix.store.postgres.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentEntriesTest {
  private static List<Sequencer.Entry> batch(long from, long to, int bytes) {
    List<Sequencer.Entry> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(new Sequencer.Entry(s, 1000 + s, s, s, new byte[bytes]));
    }
    return out;
  }

  private static List<Long> seqs(List<Sequencer.Entry> entries) {
    return entries == null ? null : entries.stream().map(Sequencer.Entry::seq).toList();
  }

  @Test
  void answersOnlyWhenItHoldsTheFirstEntryWanted() {
    RecentEntries recent = new RecentEntries(1 << 20);
    assertThat(recent.after(0, 10, 100)).as("empty").isNull();
    recent.append(batch(5, 7, 10));
    recent.append(batch(8, 9, 10));
    assertThat(seqs(recent.after(4, 9, 100))).containsExactly(5L, 6L, 7L, 8L, 9L);
    assertThat(seqs(recent.after(6, 9, 2))).as("at most max").containsExactly(7L, 8L);
    assertThat(seqs(recent.after(6, 8, 100))).as("never past the seq readers may see").containsExactly(7L, 8L);
    assertThat(recent.after(3, 9, 100)).as("entry 4 is not here").isNull();
    assertThat(recent.after(9, 12, 100)).as("nothing after the last held").isNull();
    assertThat(recent.after(7, 12, 100)).as("not the whole page: 10..12 are not here").isNull();
    assertThat(recent.after(8, 8, 100)).isNull();
  }

  @Test
  void keepsOneGapFreeRunWithinItsBytes() {
    RecentEntries recent = new RecentEntries(100);
    recent.append(batch(1, 10, 10));
    recent.append(batch(11, 15, 10)); // 150 bytes: 1..5 go
    assertThat(recent.after(4, 15, 100)).isNull();
    assertThat(seqs(recent.after(5, 15, 100))).containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);

    recent.append(batch(20, 21, 10)); // 16..19 were sequenced elsewhere: start over
    assertThat(recent.after(5, 21, 100)).isNull();
    assertThat(seqs(recent.after(19, 21, 100))).containsExactly(20L, 21L);
  }

  @Test
  void forgetsWhatRetentionPurged() {
    RecentEntries recent = new RecentEntries(1 << 20);
    recent.append(batch(1, 3000, 1));
    recent.dropThrough(2500);
    assertThat(recent.after(0, 3000, 10)).isNull();
    assertThat(recent.after(2499, 3000, 10)).isNull();
    assertThat(seqs(recent.after(2500, 3000, 2))).containsExactly(2501L, 2502L);
    recent.append(batch(3001, 3001, 1));
    assertThat(seqs(recent.after(2999, 3001, 10))).containsExactly(3000L, 3001L);
  }
}
