package io.syntrix.store.spi;

import io.syntrix.model.ChangeEvent;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Binary form of a change-log entry without its seq (RocksDB keeps the seq in the key, PostgreSQL
 * assigns it after the commit):
 * {@code [format 1][op 1][timestamp 8][database UTF][path UTF][before len 4][before][after len 4][after]},
 * a length of -1 standing for an absent image, each image in {@link DocumentCodec} form. The
 * timestamp sits at a fixed offset so retention can read it without decoding the rest, and
 * RocksDB's {@code CollectionFilter} reads the names that follow it the same way: a new layout
 * must keep them in front or change both.
 */
public final class ChangeCodec {
  public static final byte FORMAT = 1;
  private static final ChangeEvent.Op[] OPS = ChangeEvent.Op.values();

  private ChangeCodec() {}

  public static byte[] encode(ChangeEvent e) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeByte(e.op().ordinal());
      out.writeLong(e.timestamp());
      out.writeUTF(e.database());
      out.writeUTF(e.path().value());
      writeImage(e.before(), out);
      writeImage(e.after(), out);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  private static void writeImage(Document d, DataOutputStream out) throws IOException {
    if (d == null) {
      out.writeInt(-1);
      return;
    }
    byte[] encoded = DocumentCodec.encode(d);
    out.writeInt(encoded.length);
    out.write(encoded);
  }

  /** The database and path of an entry, without decoding its images. */
  public record Names(String database, DocumentPath path) {}

  /** Reads the names of the entry that starts at {@code offset} in {@code value}. */
  public static Names namesOf(byte[] value, int offset) {
    if (value[offset] != FORMAT) {
      throw new IllegalStateException("unknown change format " + value[offset]);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value, offset + 10, value.length - offset - 10))) {
      String database = in.readUTF();
      return new Names(database, new DocumentPath(in.readUTF()));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public static long timestampOf(byte[] value) {
    return BigEndian.getLong(value, 2);
  }

  public static ChangeEvent decode(long seq, byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown change format " + format + " at seq " + seq);
      }
      ChangeEvent.Op op = OPS[in.readByte()];
      long timestamp = in.readLong();
      String database = in.readUTF();
      DocumentPath path = new DocumentPath(in.readUTF());
      Document before = readImage(path, value, in);
      Document after = readImage(path, value, in);
      return new ChangeEvent(seq, database, path, op, before, after, timestamp);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static Document readImage(DocumentPath path, byte[] value, DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    int offset = value.length - in.available();
    Document d = DocumentCodec.decode(path, value, offset, length);
    in.skipNBytes(length);
    return d;
  }
}
