package io.syntrix.store.rocksdb;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.DocumentPath;
import io.syntrix.store.spi.ChangeCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Picks the change-log entries of one collection of one database by their header bytes
 * ({@link ChangeCodec}: {@code [format][op][timestamp 8][database UTF][path UTF]...}), so the
 * entries of other databases and collections are skipped without decoding their documents.
 * The names are compared in the same modified UTF-8 that {@code writeUTF} stored; a path is in
 * the collection when it is the collection's path, a slash, and one more segment (multi-byte
 * characters never contain the byte of '/', so the byte test is exact).
 */
final class CollectionFilter {
  /** Where the database's UTF length sits: after format, op and timestamp. */
  private static final int DATABASE_AT = 10;

  private final byte[] database;
  private final byte[] prefix;

  CollectionFilter(String database, CollectionPath collection) {
    this.database = utf(database);
    this.prefix = utf(collection.value() + "/");
  }

  /**
   * The length of the header (format to the end of the path) of a stored entry of which
   * {@code head} holds the first {@code available} bytes, or -1 when they are too few to tell.
   */
  static int headerLength(byte[] head, int available) {
    if (available < DATABASE_AT + 2) {
      return -1;
    }
    int pathAt = DATABASE_AT + 2 + u2(head, DATABASE_AT);
    if (available < pathAt + 2) {
      return -1;
    }
    int end = pathAt + 2 + u2(head, pathAt);
    return end <= available ? end : -1;
  }

  /** The path the entry wrote when it is in this filter's database and collection, else null; needs the whole header. */
  DocumentPath match(byte[] head) {
    if (head[0] != ChangeCodec.FORMAT) {
      throw new IllegalStateException("unknown change format " + head[0]);
    }
    int dbLength = u2(head, DATABASE_AT);
    if (dbLength != database.length || !Arrays.equals(head, DATABASE_AT + 2, DATABASE_AT + 2 + dbLength, database, 0,
        dbLength)) {
      return null;
    }
    int pathAt = DATABASE_AT + 2 + dbLength;
    int pathLength = u2(head, pathAt);
    int from = pathAt + 2;
    if (pathLength <= prefix.length || !Arrays.equals(head, from, from + prefix.length, prefix, 0, prefix.length)) {
      return null;
    }
    for (int i = from + prefix.length; i < from + pathLength; i++) {
      if (head[i] == '/') {
        return null; // a document of a subcollection
      }
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(head, pathAt, pathLength + 2))) {
      return new DocumentPath(in.readUTF());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int u2(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static byte[] utf(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] withLength = bytes.toByteArray();
    return Arrays.copyOfRange(withLength, 2, withLength.length);
  }
}
