package io.syntrix.bench.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The parts of a realtime frame the load tool looks at:
 * {@code {"id","type","payload":{"subId","code","message","seq","reset","complete","documents":[..],
 * "delta":{"type","id","seq"}}}}. Documents are skipped (the ledger already knows what was
 * written); a snapshot's are only counted. {@code seq} is the delta's, else the payload's, else -1;
 * {@code complete} is true unless the payload says {@code false} (a snapshot page with more to come).
 */
record Frame(String id, String type, String subId, String code, String message, String deltaType, String deltaId,
             long seq, boolean reset, boolean complete, int documents) {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String EVENT_HEAD = "{\"type\":\"event\",\"payload\":{\"subId\":\"";
  private static final String SEQ = "\",\"seq\":";
  private static final String DELTA_TYPE = ",\"delta\":{\"type\":\"";
  private static final String ID = "\"id\":\"";

  /**
   * Parses one frame, reading an event in the server's own layout
   * ({@code {"type":"event","payload":{"subId":"..","seq":N,"delta":{"type":"..",<document>,"id":"..",..}}}})
   * without tokenizing its document: events are nearly all of a run's frames, and the client
   * shares the machine with the server it measures. Anything else goes through {@link #parse}.
   */
  static Frame read(String text) {
    if (!text.startsWith(EVENT_HEAD) || !text.endsWith("}}}")) {
      return parse(text);
    }
    int subEnd = text.indexOf('"', EVENT_HEAD.length());
    if (subEnd < 0 || text.lastIndexOf('\\', subEnd) >= EVENT_HEAD.length() || !text.startsWith(SEQ, subEnd)) {
      return parse(text);
    }
    int seqStart = subEnd + SEQ.length();
    int seqEnd = seqStart;
    while (seqEnd < text.length() && seqEnd - seqStart < 19 && Character.isDigit(text.charAt(seqEnd))) {
      seqEnd++;
    }
    if (seqEnd == seqStart || !text.startsWith(DELTA_TYPE, seqEnd)) {
      return parse(text);
    }
    int typeStart = seqEnd + DELTA_TYPE.length();
    int typeEnd = text.indexOf('"', typeStart);
    // The delta's id follows its document; only numbers (timestamp, seq) come after it.
    int idStart = text.lastIndexOf(ID) + ID.length();
    int idEnd = text.indexOf('"', idStart);
    if (typeEnd < 0 || idStart <= typeEnd || idEnd < 0 || text.lastIndexOf('"') != idEnd
        || text.lastIndexOf('\\') > typeEnd) {
      return parse(text);
    }
    return new Frame(null, "event", text.substring(EVENT_HEAD.length(), subEnd), null, null,
        text.substring(typeStart, typeEnd), text.substring(idStart, idEnd),
        Long.parseLong(text, seqStart, seqEnd, 10), false, true, -1);
  }

  /** Parses one text frame; a frame that is not a JSON object gives type {@code "invalid"}. */
  static Frame parse(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return invalid();
      }
      String id = null, type = null, subId = null, code = null, message = null, deltaType = null, deltaId = null;
      long seq = -1, payloadSeq = -1;
      boolean reset = false, complete = true;
      int documents = -1;
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
                case "seq" -> payloadSeq = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                case "reset" -> reset = v == JsonToken.VALUE_TRUE;
                case "complete" -> complete = v != JsonToken.VALUE_FALSE;
                case "documents" -> documents = count(p, v);
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
      return new Frame(id, type == null ? "invalid" : type, subId, code, message, deltaType, deltaId,
          seq >= 0 ? seq : payloadSeq, reset, complete, documents);
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

  /** Elements of an array, each skipped; -1 when the value is not an array. */
  private static int count(JsonParser p, JsonToken token) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      p.skipChildren();
      return -1;
    }
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      p.skipChildren();
      n++;
    }
    return n;
  }

  private static Frame invalid() {
    return new Frame(null, "invalid", null, null, null, null, null, -1, false, true, -1);
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
