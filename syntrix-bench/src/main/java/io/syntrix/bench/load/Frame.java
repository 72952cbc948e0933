package io.syntrix.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The parts of a realtime frame the load tool looks at:
 * {@code {"id","type","payload":{"subId","code","message","delta":{"type","id","seq"}}}}.
 * The document inside the delta is skipped (the ledger already knows what was written).
 */
record Frame(String id, String type, String subId, String code, String message, String deltaType, String deltaId,
             long seq) {
  private static final JsonFactory JSON = new JsonFactory();

  /** Parses one text frame; a frame that is not a JSON object gives type {@code "invalid"}. */
  static Frame parse(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return invalid();
      }
      String id = null, type = null, subId = null, code = null, message = null, deltaType = null, deltaId = null;
      long seq = -1;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "id" -> id = text(p, value);
          case "type" -> type = text(p, value);
          case "payload" -> {
            if (value != JsonToken.START_OBJECT) {
              p.skipChildren();
              break;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String field = p.currentName();
              JsonToken v = p.nextToken();
              switch (field) {
                case "subId" -> subId = text(p, v);
                case "code" -> code = text(p, v);
                case "message" -> message = text(p, v);
                case "delta" -> {
                  if (v != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    break;
                  }
                  while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String d = p.currentName();
                    JsonToken dv = p.nextToken();
                    switch (d) {
                      case "type" -> deltaType = text(p, dv);
                      case "id" -> deltaId = text(p, dv);
                      case "seq" -> seq = dv == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                      default -> p.skipChildren();
                    }
                  }
                }
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      return new Frame(id, type == null ? "invalid" : type, subId, code, message, deltaType, deltaId, seq);
    } catch (IOException e) {
      return invalid();
    }
  }

  private static String text(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static Frame invalid() {
    return new Frame(null, "invalid", null, null, null, null, null, -1);
  }

  /**
   * The write index of a delta id {@code <collection>/w<index>}, or -1 when the id is not a write
   * of this run (another collection, another id shape).
   */
  static int writeIndex(String deltaId, String collection) {
    if (deltaId == null || deltaId.length() < collection.length() + 3 || !deltaId.startsWith(collection)
        || deltaId.charAt(collection.length()) != '/' || deltaId.charAt(collection.length() + 1) != 'w') {
      return -1;
    }
    int start = collection.length() + 2;
    if (deltaId.length() - start > 9) {
      return -1;
    }
    int value = 0;
    for (int i = start; i < deltaId.length(); i++) {
      char c = deltaId.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The local subscription index of a client subscription id {@code s<index>}, or -1. */
  static int subscriptionIndex(String subId) {
    if (subId == null || subId.length() < 2 || subId.length() > 7 || subId.charAt(0) != 's') {
      return -1;
    }
    int value = 0;
    for (int i = 1; i < subId.length(); i++) {
      char c = subId.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
