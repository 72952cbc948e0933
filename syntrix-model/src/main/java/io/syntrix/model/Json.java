package io.syntrix.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text to {@link Value} and back, streaming through jackson-core (no tree model in between).
 *
 * <p>Parsing is strict: one root value, no duplicate keys, integers within int64, finite
 * numbers, and at most {@link #MAX_DEPTH} nested arrays/maps counting the root (as Firestore
 * counts). Every violation is an {@link InvalidInputException}.
 */
public final class Json {
  public static final int MAX_DEPTH = 20;

  // Characters outside the BMP (emoji) are written as their 4 UTF-8 bytes rather than as two
  // escaped surrogates of 6 bytes each (Jackson's default): output stays as compact as the
  // client's input, and the 1 MiB limit measured by encodedLength means the same for emoji as
  // for ASCII. Lone surrogates, which JSON escapes can carry, are still written escaped.
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();

  private Json() {}

  public static JsonFactory factory() {
    return FACTORY;
  }

  public static Value parse(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      return parseRoot(p);
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  public static Value parse(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      return parseRoot(p);
    } catch (IOException e) {
      throw malformed(e);
    }
  }

  /** Parses a JSON object; any other root is refused. */
  public static MapValue parseObject(byte[] json) {
    Value v = parse(json);
    InvalidInputException.check(v instanceof MapValue, "expected a JSON object, got " + v.typeClass());
    return (MapValue) v;
  }

  private static Value parseRoot(JsonParser p) throws IOException {
    InvalidInputException.check(p.nextToken() != null, "empty JSON body");
    Value v = read(p, 0);
    InvalidInputException.check(p.nextToken() == null, "unexpected content after the JSON value");
    return v;
  }

  /** Reads the value at the parser's current token; leaves the parser on its last token. */
  public static Value read(JsonParser p) throws IOException {
    return read(p, 0);
  }

  private static Value read(JsonParser p, int depth) throws IOException {
    JsonToken t = p.currentToken();
    InvalidInputException.check(t != null, "unexpected end of JSON");
    return switch (t) {
      case START_OBJECT -> readObject(p, checkDepth(depth + 1));
      case START_ARRAY -> readArray(p, checkDepth(depth + 1));
      case VALUE_STRING -> new StringValue(p.getText());
      case VALUE_NUMBER_INT -> {
        InvalidInputException.check(p.getNumberType() != JsonParser.NumberType.BIG_INTEGER,
            "integer " + p.getText() + " is outside the 64-bit range");
        yield IntegerValue.of(p.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        double d = p.getDoubleValue();
        InvalidInputException.check(Double.isFinite(d), "number " + p.getText() + " is out of range");
        yield new DoubleValue(d);
      }
      case VALUE_TRUE -> BooleanValue.TRUE;
      case VALUE_FALSE -> BooleanValue.FALSE;
      case VALUE_NULL -> NullValue.INSTANCE;
      default -> throw new InvalidInputException("unexpected JSON token " + t);
    };
  }

  private static int checkDepth(int depth) {
    InvalidInputException.check(depth <= MAX_DEPTH, "value nests deeper than " + MAX_DEPTH + " levels");
    return depth;
  }

  private static MapValue readObject(JsonParser p, int depth) throws IOException {
    LinkedHashMap<String, Value> fields = new LinkedHashMap<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      fields.put(name, read(p, depth));
    }
    InvalidInputException.check(t == JsonToken.END_OBJECT, "unterminated JSON object");
    return MapValue.adopt(fields);
  }

  private static ArrayValue readArray(JsonParser p, int depth) throws IOException {
    List<Value> elements = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      InvalidInputException.check(t != null, "unterminated JSON array");
      elements.add(read(p, depth));
    }
    return elements.isEmpty() ? ArrayValue.EMPTY : new ArrayValue(elements);
  }

  private static InvalidInputException malformed(IOException e) {
    if (e instanceof JsonProcessingException jpe) {
      return new InvalidInputException("malformed JSON: " + jpe.getOriginalMessage());
    }
    return new InvalidInputException("malformed JSON: " + e.getMessage());
  }

  public static byte[] toBytes(Value v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    writeTo(v, out);
    return out.toByteArray();
  }

  public static String toString(Value v) {
    return new String(toBytes(v), java.nio.charset.StandardCharsets.UTF_8);
  }

  public static void writeTo(Value v, OutputStream out) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(v, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Size in bytes of the compact JSON encoding of {@code v}. */
  public static long encodedLength(Value v) {
    CountingStream counter = new CountingStream();
    writeTo(v, counter);
    return counter.count;
  }

  public static void write(Value v, JsonGenerator g) throws IOException {
    switch (v) {
      case NullValue n -> g.writeNull();
      case BooleanValue b -> g.writeBoolean(b.value());
      case IntegerValue i -> g.writeNumber(i.value());
      case DoubleValue d -> g.writeNumber(d.value());
      case StringValue s -> g.writeString(s.value());
      case ArrayValue a -> {
        g.writeStartArray();
        for (Value e : a.elements()) {
          write(e, g);
        }
        g.writeEndArray();
      }
      case MapValue m -> {
        g.writeStartObject();
        for (Map.Entry<String, Value> e : m.fields().entrySet()) {
          g.writeFieldName(e.getKey());
          write(e.getValue(), g);
        }
        g.writeEndObject();
      }
    }
  }

  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
