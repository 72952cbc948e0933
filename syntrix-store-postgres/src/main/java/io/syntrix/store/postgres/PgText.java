package io.syntrix.store.postgres;

/**
 * Caller strings in {@code text} key columns. PostgreSQL's text cannot hold U+0000, but field
 * names ({@code index_entries.field}, {@code overflow_entries.field}) and system-record keys are
 * client input and may (RocksDB takes them as bytes). So they are stored escaped: U+0001 as
 * U+0001 U+0002, U+0000 as U+0001 U+0001; any other string is stored as it is.
 *
 * <p>The escape keeps UTF-8 byte order, which {@code COLLATE "C"} compares by: per byte, the
 * images {@code 01 01 < 01 02 < 02 < 03 …} are ordered as {@code 00 < 01 < 02 < 03 …} and none is
 * a prefix of another, so escaped strings compare as the originals. System-record scans therefore
 * run in the same key order as on RocksDB.
 */
final class PgText {
  private static final char ESCAPE = '\u0001';

  private PgText() {}

  static String escape(String s) {
    if (s.indexOf('\u0000') < 0 && s.indexOf(ESCAPE) < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\u0000' -> out.append(ESCAPE).append('\u0001');
        case ESCAPE -> out.append(ESCAPE).append('\u0002');
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String unescape(String s) {
    if (s.indexOf(ESCAPE) < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c == ESCAPE ? (s.charAt(++i) == '\u0001' ? '\u0000' : ESCAPE) : c);
    }
    return out.toString();
  }
}
