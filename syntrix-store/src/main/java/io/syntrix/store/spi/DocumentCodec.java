package io.syntrix.store.spi;

import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Stored form of a document (the path lives in the key):
 * {@code [format 1][flags][version 8][createdAt 8][updatedAt 8][data as compact JSON]}.
 * Flags bit 0 marks a tombstone.
 */
public final class DocumentCodec {
  private static final byte FORMAT = 1;
  private static final int HEADER = 2 + 3 * 8;

  private DocumentCodec() {}

  public static byte[] encode(Document d) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER + 128);
    out.write(FORMAT);
    out.write(d.deleted() ? 1 : 0);
    byte[] longs = new byte[24];
    BigEndian.putLong(d.version(), longs, 0);
    BigEndian.putLong(d.createdAt(), longs, 8);
    BigEndian.putLong(d.updatedAt(), longs, 16);
    out.writeBytes(longs);
    Json.writeTo(d.data(), out);
    return out.toByteArray();
  }

  public static Document decode(DocumentPath path, byte[] b) {
    return decode(path, b, 0, b.length);
  }

  public static Document decode(DocumentPath path, byte[] b, int offset, int length) {
    if (b[offset] != FORMAT) {
      throw new IllegalStateException("unknown document format " + b[offset] + " for " + path);
    }
    boolean deleted = (b[offset + 1] & 1) != 0;
    long version = BigEndian.getLong(b, offset + 2);
    long createdAt = BigEndian.getLong(b, offset + 10);
    long updatedAt = BigEndian.getLong(b, offset + 18);
    Value data = Json.parse(Arrays.copyOfRange(b, offset + HEADER, offset + length));
    return new Document(path, (MapValue) data, version, createdAt, updatedAt, deleted);
  }
}
