package io.syntrix.store.spi;

/** Fixed-width big-endian longs: the byte order of two encodings is the unsigned order of the values. */
public final class BigEndian {
  private BigEndian() {}

  /** Writes {@code v} into {@code into[offset, offset + 8)} and returns {@code into}. */
  public static byte[] putLong(long v, byte[] into, int offset) {
    for (int i = 7; i >= 0; i--) {
      into[offset + i] = (byte) v;
      v >>>= 8;
    }
    return into;
  }

  public static long getLong(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xFF);
    }
    return v;
  }
}
