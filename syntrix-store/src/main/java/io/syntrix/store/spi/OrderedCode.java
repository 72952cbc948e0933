package io.syntrix.store.spi;

import io.syntrix.model.ArrayValue;
import io.syntrix.model.BooleanValue;
import io.syntrix.model.DoubleValue;
import io.syntrix.model.IntegerValue;
import io.syntrix.model.MapValue;
import io.syntrix.model.NullValue;
import io.syntrix.model.StringValue;
import io.syntrix.model.TypeClass;
import io.syntrix.model.Value;
import io.syntrix.model.Values;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Order-preserving, self-delimiting byte encoding of values for index keys: unsigned byte order
 * of two encodings equals the D4 order of the values ({@code Values.compare}).
 *
 * <p>Layout: one type tag, then the value.
 * <pre>
 *   null    0x10
 *   false   0x20        true 0x21
 *   number  0x30  [8 bytes: the double nearest to the value, sign-flipped big endian]
 *                 [2 bytes: exact long minus that double, biased by 0x8000]
 *   string  0x40  [UTF-8 with 0x00 escaped as 00 FF] 00 01
 *   array   0x50  [element]* 00
 *   map     0x60  [01 key-string value]* 00     (entries sorted by key code point)
 * </pre>
 * Every tag is above 0x00, so an array or map that is a prefix of another sorts first, as D4's
 * element-wise order wants; the 01 before each map entry keeps {@code {}} before {@code {"": x}}.
 * Integers and doubles share one encoding, so {@code 1} and {@code 1.0} meet in an equality
 * lookup. The 2-byte correction keeps longs beyond 2^53 exact: the nearest double is monotone in
 * the long, and the remainder is at most 512 in magnitude. UTF-8 byte order is code point order.
 * Each class owns the tag range {@code [tag, tag + 0x10)}, which is what type bracketing scans.
 */
public final class OrderedCode {
  public static final byte NULL = 0x10;
  public static final byte FALSE = 0x20;
  public static final byte TRUE = 0x21;
  public static final byte NUMBER = 0x30;
  public static final byte STRING = 0x40;
  public static final byte ARRAY = 0x50;
  public static final byte MAP = 0x60;
  private static final byte END = 0x00;
  private static final byte ENTRY = 0x01;
  private static final int NUMBER_LENGTH = 11;

  private OrderedCode() {}

  /** First tag byte of a type class. */
  public static byte classStart(TypeClass c) {
    return switch (c) {
      case NULL -> NULL;
      case BOOLEAN -> FALSE;
      case NUMBER -> NUMBER;
      case STRING -> STRING;
      case ARRAY -> ARRAY;
      case MAP -> MAP;
    };
  }

  /** First tag byte after a type class (exclusive end). */
  public static byte classEnd(TypeClass c) {
    return (byte) (classStart(c) + 0x10);
  }

  public static void encode(Value v, ByteArrayOutputStream out) {
    switch (v) {
      case NullValue n -> out.write(NULL);
      case BooleanValue b -> out.write(b.value() ? TRUE : FALSE);
      case IntegerValue i -> encodeLong(i.value(), out);
      case DoubleValue d -> encodeNumber(d.value(), 0, out);
      case StringValue s -> {
        out.write(STRING);
        encodeString(s.value(), out);
      }
      case ArrayValue a -> {
        out.write(ARRAY);
        for (Value e : a.elements()) {
          encode(e, out);
        }
        out.write(END);
      }
      case MapValue m -> {
        out.write(MAP);
        List<String> keys = new ArrayList<>(m.fields().keySet());
        keys.sort(Values::compareStrings);
        for (String key : keys) {
          out.write(ENTRY);
          encodeString(key, out);
          encode(m.get(key), out);
        }
        out.write(END);
      }
    }
  }

  public static byte[] encode(Value v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16);
    encode(v, out);
    return out.toByteArray();
  }

  private static void encodeLong(long l, ByteArrayOutputStream out) {
    double nearest = (double) l;
    long exact = nearest >= 0x1p63 ? Long.MAX_VALUE : (long) nearest;
    // When nearest is 2^63 itself (not a long), l - 2^63 == (l - MAX_VALUE) - 1.
    long delta = nearest >= 0x1p63 ? (l - exact) - 1 : l - exact;
    encodeNumber(nearest, (int) delta, out);
  }

  private static void encodeNumber(double d, int delta, ByteArrayOutputStream out) {
    if (d == 0.0) {
      d = 0.0; // -0.0 == 0.0
    }
    long bits = Double.doubleToLongBits(d);
    bits = bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    byte[] encoded = new byte[NUMBER_LENGTH];
    encoded[0] = NUMBER;
    BigEndian.putLong(bits, encoded, 1);
    int biased = delta + 0x8000;
    encoded[9] = (byte) (biased >>> 8);
    encoded[10] = (byte) biased;
    out.writeBytes(encoded); // one call: ByteArrayOutputStream.write(int) takes a lock per byte
  }

  /** Writes the escaped, terminated form of a string (also used for field names in keys). */
  public static void encodeString(String s, ByteArrayOutputStream out) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    int start = 0;
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] == 0) {
        out.write(utf8, start, i + 1 - start);
        out.write(0xFF);
        start = i + 1;
      }
    }
    out.write(utf8, start, utf8.length - start);
    out.write(0);
    out.write(1);
  }

  /** Decodes the value starting at {@code pos}; returns it and stores the end offset in {@code end[0]}. */
  public static Value decode(byte[] key, int pos, int[] end) {
    byte tag = key[pos];
    switch (tag) {
      case NULL -> {
        end[0] = pos + 1;
        return NullValue.INSTANCE;
      }
      case FALSE, TRUE -> {
        end[0] = pos + 1;
        return BooleanValue.of(tag == TRUE);
      }
      case NUMBER -> {
        end[0] = pos + NUMBER_LENGTH;
        return decodeNumber(key, pos + 1);
      }
      case STRING -> {
        return new StringValue(decodeString(key, pos + 1, end));
      }
      case ARRAY -> {
        List<Value> elements = new ArrayList<>();
        int i = pos + 1;
        while (key[i] != END) {
          elements.add(decode(key, i, end));
          i = end[0];
        }
        end[0] = i + 1;
        return new ArrayValue(elements);
      }
      case MAP -> {
        MapValue.Builder fields = MapValue.builder();
        int i = pos + 1;
        while (key[i] == ENTRY) {
          String name = decodeString(key, i + 1, end);
          fields.put(name, decode(key, end[0], end));
          i = end[0];
        }
        end[0] = i + 1;
        return fields.build();
      }
      default -> throw new IllegalStateException("corrupt index key: unknown type tag " + tag);
    }
  }

  /** Decodes an escaped, terminated string starting at {@code pos}. */
  public static String decodeString(byte[] key, int pos, int[] end) {
    ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
    int i = pos;
    while (true) {
      byte b = key[i];
      if (b == 0) {
        if (key[i + 1] == 1) {
          end[0] = i + 2;
          return utf8.toString(StandardCharsets.UTF_8);
        }
        utf8.write(0);
        i += 2;
      } else {
        utf8.write(b);
        i++;
      }
    }
  }

  private static Value decodeNumber(byte[] key, int pos) {
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (key[pos + i] & 0xFF);
    }
    bits = bits < 0 ? bits ^ Long.MIN_VALUE : ~bits;
    double d = Double.longBitsToDouble(bits);
    int delta = (((key[pos + 8] & 0xFF) << 8) | (key[pos + 9] & 0xFF)) - 0x8000;
    if (delta != 0) {
      long exact = d >= 0x1p63 ? Long.MAX_VALUE : (long) d;
      return IntegerValue.of(d >= 0x1p63 ? exact + delta + 1 : exact + delta);
    }
    if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
      return IntegerValue.of((long) d); // D4-equal to a stored integral double
    }
    return new DoubleValue(d);
  }
}
