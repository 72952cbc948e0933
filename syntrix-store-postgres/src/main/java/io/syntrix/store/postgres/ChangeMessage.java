package io.syntrix.store.postgres;

import io.syntrix.model.ChangeEvent;
import io.syntrix.store.spi.BigEndian;
import io.syntrix.store.spi.ChangeCodec;
import java.util.Arrays;

/**
 * The change record a write puts into the WAL, inside its own transaction, with
 * {@code pg_logical_emit_message(true, 'syntrix.change', bytes)}: transactional, so it is decoded
 * exactly when (and only if) the write commits, in commit order, which is what the sequencer reads
 * from the slot. Nothing is stored in a table for it.
 *
 * <p>Layout: {@code [format 1][xid 8, big endian][ChangeCodec form of the event]}. The event's
 * seq is not in it (ChangeCodec never holds one): the sequencer assigns it. The xid is the writing
 * transaction's {@code pg_current_xact_id()}, the key under which {@link Sequencing#seqOf} is asked.
 *
 * <p>Public for the sequencer (package {@code io.syntrix.store.postgres.log}), which decodes it.
 */
public final class ChangeMessage {
  /** The logical decoding message prefix the sequencer filters on. */
  public static final String PREFIX = "syntrix.change";
  public static final byte FORMAT = 1;
  private static final int HEADER = 9;

  /** A decoded message: the writing transaction and its change, with seq 0. */
  public record Decoded(long xid, ChangeEvent change) {}

  private ChangeMessage() {}

  public static byte[] encode(long xid, ChangeEvent change) {
    byte[] body = ChangeCodec.encode(change);
    byte[] out = new byte[HEADER + body.length];
    out[0] = FORMAT;
    BigEndian.putLong(xid, out, 1);
    System.arraycopy(body, 0, out, HEADER, body.length);
    return out;
  }

  /** The change of a sequenced message, with the seq the sequencer gave it. */
  public static ChangeEvent change(long seq, byte[] message) {
    ChangeEvent c = decode(message).change();
    return new ChangeEvent(seq, c.database(), c.path(), c.op(), c.before(), c.after(), c.timestamp());
  }

  public static Decoded decode(byte[] message) {
    return new Decoded(xidOf(message), ChangeCodec.decode(0, Arrays.copyOfRange(message, HEADER, message.length)));
  }

  /** The writing transaction's id. */
  public static long xidOf(byte[] message) {
    if (message.length < HEADER || message[0] != FORMAT) {
      throw new IllegalStateException("not a syntrix.change message of format " + FORMAT + " (" + message.length
          + " bytes, format " + (message.length > 0 ? message[0] : -1) + ")");
    }
    return BigEndian.getLong(message, 1);
  }

  /** The changed document's database and path, read without decoding its images (what the sequencer files it under). */
  public static ChangeCodec.Names namesOf(byte[] message) {
    return ChangeCodec.namesOf(message, HEADER);
  }
}
