package io.syntrix.store.postgres.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pgoutput messages the sequencer reads, as PostgreSQL lays them out (protocol version 1). */
class PgOutputTest {
  /** 2000-01-01T00:00:00Z plus one second, in PostgreSQL's microseconds. */
  private static final long ONE_SECOND_AFTER_PG_EPOCH = 1_000_000L;

  @Test
  void beginMessageAndCommitAreRead() {
    ByteBuffer begin = ByteBuffer.allocate(21).put((byte) 'B').putLong(0x1_0000_0010L)
        .putLong(ONE_SECOND_AFTER_PG_EPOCH).putInt(742).flip();
    assertThat(PgOutput.parse(begin)).isEqualTo(new PgOutput.Begin(0x1_0000_0010L, 946_684_801_000L, 742));

    byte[] prefix = "syntrix.change".getBytes(StandardCharsets.UTF_8);
    ByteBuffer message = ByteBuffer.allocate(1 + 1 + 8 + prefix.length + 1 + 4 + 3).put((byte) 'M').put((byte) 1)
        .putLong(77).put(prefix).put((byte) 0).putInt(3).put(new byte[] {1, 2, 3}).flip();
    PgOutput.Message m = (PgOutput.Message) PgOutput.parse(message);
    assertThat(m.transactional()).isTrue();
    assertThat(m.lsn()).isEqualTo(77);
    assertThat(m.prefix()).isEqualTo("syntrix.change");
    assertThat(m.content()).containsExactly(1, 2, 3);
    assertThat(message.remaining()).isZero();

    ByteBuffer commit = ByteBuffer.allocate(26).put((byte) 'C').put((byte) 0).putLong(100).putLong(120)
        .putLong(ONE_SECOND_AFTER_PG_EPOCH).flip();
    assertThat(PgOutput.parse(commit)).isEqualTo(new PgOutput.Commit(100, 120, 946_684_801_000L));
  }

  @Test
  void otherMessagesAreNamedNotRead() {
    assertThat(PgOutput.parse(ByteBuffer.wrap(new byte[] {'R', 0, 0}))).isEqualTo(new PgOutput.Other('R'));
  }
}
