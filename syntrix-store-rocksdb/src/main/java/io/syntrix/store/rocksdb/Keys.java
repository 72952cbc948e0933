package io.syntrix.store.rocksdb;

import io.syntrix.model.CollectionPath;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Value;
import io.syntrix.store.spi.BigEndian;
import io.syntrix.store.spi.OrderedCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key layouts of the column families. Database names, collection paths and ids never contain
 * 0x00 (their validation forbids it), so 0x00 separates them and a database or collection is
 * one contiguous key range: databases are isolated by construction.
 * <pre>
 *   documents   db 00 collection 00 id                          -> DocumentCodec
 *   index       db 00 collection 00 field* value* id            -> (empty)
 *               db 00 collection 00 00 02 field* head id         -> (empty)   overflow entry
 *   changes     seq (8 bytes, big endian)                        -> ChangeCodec
 *   tombstones  deletedAt (8 bytes) db 00 collection 00 id       -> (empty)
 * </pre>
 * {@code field*} is the escaped, terminated string form and {@code value*} the
 * {@link OrderedCode} form, both self-delimiting, so an index key splits back into its parts.
 * An overflow entry stands for a value too large to index ({@link IndexMaintainer}): {@code head}
 * is exactly the first {@link IndexMaintainer#MAX_INDEXED_VALUE_BYTES} bytes of its encoding.
 * No field encoding starts with {@code 00 02} (an escaped 00 is {@code 00 FF}, the terminator
 * {@code 00 01}), so overflow entries never fall inside a field's index range.
 */
final class Keys {
  private Keys() {}

  static byte[] collectionPrefix(String database, CollectionPath collection) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    writeCollectionPrefix(database, collection.value(), out);
    return out.toByteArray();
  }

  private static void writeCollectionPrefix(String database, String collection, ByteArrayOutputStream out) {
    out.writeBytes(database.getBytes(StandardCharsets.UTF_8));
    out.write(0);
    out.writeBytes(collection.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }

  static byte[] document(String database, DocumentPath path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    writeCollectionPrefix(database, path.collection().value(), out);
    out.writeBytes(path.id().getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** The id part of a document key with the given collection prefix. */
  static String idOf(byte[] documentKey, int prefixLength) {
    return new String(documentKey, prefixLength, documentKey.length - prefixLength, StandardCharsets.UTF_8);
  }

  /** Splits a document key back into database and path. */
  static ParsedDocumentKey parseDocument(byte[] key) {
    int first = indexOf(key, 0);
    int second = indexOf(key, first + 1);
    String database = new String(key, 0, first, StandardCharsets.UTF_8);
    String collection = new String(key, first + 1, second - first - 1, StandardCharsets.UTF_8);
    String id = new String(key, second + 1, key.length - second - 1, StandardCharsets.UTF_8);
    return new ParsedDocumentKey(database, new DocumentPath(collection + "/" + id));
  }

  record ParsedDocumentKey(String database, DocumentPath path) {}

  private static int indexOf(byte[] key, int from) {
    for (int i = from; i < key.length; i++) {
      if (key[i] == 0) {
        return i;
      }
    }
    throw new IllegalStateException("corrupt document key");
  }

  /** The prefix shared by every entry of one field's index in one collection. */
  static byte[] indexPrefix(byte[] collectionPrefix, String field) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(collectionPrefix.length + field.length() + 2);
    out.writeBytes(collectionPrefix);
    OrderedCode.encodeString(field, out);
    return out.toByteArray();
  }

  /** The prefix shared by every overflow entry of one field in one collection. */
  static byte[] overflowPrefix(byte[] collectionPrefix, String field) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(collectionPrefix.length + field.length() + 4);
    out.writeBytes(collectionPrefix);
    out.write(0);
    out.write(2);
    OrderedCode.encodeString(field, out);
    return out.toByteArray();
  }

  /** An overflow entry: the head of the too-large encoding, then the id. */
  static byte[] overflowEntry(byte[] overflowPrefix, byte[] encodedValue, String id) {
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    int head = IndexMaintainer.MAX_INDEXED_VALUE_BYTES;
    byte[] key = Arrays.copyOf(overflowPrefix, overflowPrefix.length + head + idBytes.length);
    System.arraycopy(encodedValue, 0, key, overflowPrefix.length, head);
    System.arraycopy(idBytes, 0, key, overflowPrefix.length + head, idBytes.length);
    return key;
  }

  static byte[] indexEntry(byte[] indexPrefix, byte[] encodedValue, String id) {
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    byte[] key = Arrays.copyOf(indexPrefix, indexPrefix.length + encodedValue.length + idBytes.length);
    System.arraycopy(encodedValue, 0, key, indexPrefix.length, encodedValue.length);
    System.arraycopy(idBytes, 0, key, indexPrefix.length + encodedValue.length, idBytes.length);
    return key;
  }

  static byte[] indexPosition(byte[] indexPrefix, Value value, String id) {
    return indexEntry(indexPrefix, OrderedCode.encode(value), id);
  }

  /** {@code prefix} followed by one byte. */
  static byte[] append(byte[] prefix, byte b) {
    byte[] key = Arrays.copyOf(prefix, prefix.length + 1);
    key[prefix.length] = b;
    return key;
  }

  static byte[] seq(long seq) {
    return longBytes(seq, new byte[8], 0);
  }

  static long seqOf(byte[] key) {
    return readLong(key, 0);
  }

  static byte[] tombstone(long deletedAt, byte[] documentKey) {
    byte[] key = new byte[8 + documentKey.length];
    longBytes(deletedAt, key, 0);
    System.arraycopy(documentKey, 0, key, 8, documentKey.length);
    return key;
  }

  static byte[] longBytes(long v, byte[] into, int offset) {
    return BigEndian.putLong(v, into, offset);
  }

  static long readLong(byte[] b, int offset) {
    return BigEndian.getLong(b, offset);
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
