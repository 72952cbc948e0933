package io.syntrix.store.postgres.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few pgoutput protocol messages the sequencer reads (PostgreSQL "Logical Replication Message
 * Formats", protocol version 1): a transaction's begin and commit, and the logical decoding
 * messages our writers emit. Everything else a publication could send (relations, row changes)
 * is {@link Other}: the publication has no tables, so none should come.
 */
final class PgOutput {
  /** Microseconds between the Unix epoch and PostgreSQL's (2000-01-01). */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

  private PgOutput() {}

  sealed interface Msg permits Begin, Message, Commit, Other {}

  /** @param finalLsn the LSN of the commit record; {@code commitMillis} Unix ms */
  record Begin(long finalLsn, long commitMillis, int xid) implements Msg {}

  record Message(boolean transactional, long lsn, String prefix, byte[] content) implements Msg {}

  /** @param endLsn the LSN just past the commit record: what the slot may be confirmed up to */
  record Commit(long commitLsn, long endLsn, long commitMillis) implements Msg {}

  record Other(char type) implements Msg {}

  static Msg parse(ByteBuffer b) {
    char type = (char) b.get();
    return switch (type) {
      case 'B' -> new Begin(b.getLong(), millis(b.getLong()), b.getInt());
      case 'M' -> {
        boolean transactional = (b.get() & 1) != 0;
        long lsn = b.getLong();
        String prefix = cString(b);
        byte[] content = new byte[b.getInt()];
        b.get(content);
        yield new Message(transactional, lsn, prefix, content);
      }
      case 'C' -> {
        b.get(); // flags, unused
        yield new Commit(b.getLong(), b.getLong(), millis(b.getLong()));
      }
      default -> new Other(type);
    };
  }

  private static long millis(long pgMicros) {
    return (pgMicros + PG_EPOCH_MICROS) / 1000;
  }

  private static String cString(ByteBuffer b) {
    int start = b.position();
    int end = start;
    while (b.get(end) != 0) {
      end++;
    }
    String s = new String(b.array(), b.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
    b.position(end + 1);
    return s;
  }
}
