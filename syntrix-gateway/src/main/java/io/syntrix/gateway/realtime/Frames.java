package io.syntrix.gateway.realtime;

import com.fasterxml.jackson.core.JsonGenerator;
import io.syntrix.model.Document;
import io.syntrix.model.Json;
import io.syntrix.model.MapValue;
import io.syntrix.model.Value;
import io.syntrix.streamer.Event;
import io.syntrix.model.ChangeEvent.Op;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The realtime wire format (reference §7, with D8's additions): envelopes
 * {@code {"id","type","payload"}} as compact JSON bytes.
 *
 * <p>An event's {@code delta} is encoded once per change and variant (operation, with or without
 * data) and the same bytes are shared by every connection that receives it; only the short
 * envelope around it ({@code subId}) differs per subscription.
 */
final class Frames {
  private Frames() {}

  /** {@code {"id":id,"type":type}} or with a payload. */
  static byte[] envelope(String id, String type, MapValue payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = Json.factory().createGenerator(out)) {
      g.writeStartObject();
      if (id != null && !id.isEmpty()) {
        g.writeStringField("id", id);
      }
      g.writeStringField("type", type);
      if (payload != null) {
        g.writeFieldName("payload");
        Json.write(payload, g);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] error(String id, String code, String message) {
    MapValue.Builder payload = MapValue.builder();
    if (code != null) {
      payload.put("code", Value.of(code));
    }
    payload.put("message", Value.of(message));
    return envelope(id, "error", payload.build());
  }

  /**
   * The delta of one change as one subscription sees it: {@code type}, {@code document} (when
   * data is included: the document as the change left it, a tombstone for a delete),
   * {@code reason} for a {@code delete} ({@code "deleted"}, or {@code "left"} when the document
   * still exists but no longer matches; an addition the SDK ignores), {@code id} (the full path),
   * {@code timestamp} and {@code seq}.
   */
  static byte[] delta(Event event, Op op, boolean includeData) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = Json.factory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", op.wireName());
      Document doc = event.document(op);
      if (includeData && doc != null) {
        g.writeFieldName("document");
        Json.write(doc.toFlat(), g);
      }
      if (op == Op.DELETE) {
        g.writeStringField("reason", event.deletedDocument() ? "deleted" : "left");
      }
      g.writeStringField("id", event.collection() + "/" + event.documentId());
      g.writeNumberField("timestamp", event.timestamp());
      g.writeNumberField("seq", event.seq());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static final byte[] EVENT_HEAD = "{\"type\":\"event\",\"payload\":{\"subId\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SEQ = ",\"seq\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DELTA = ",\"delta\":".getBytes(StandardCharsets.UTF_8);

  /**
   * The per-subscription start of {@code {"type":"event","payload":{"subId":..,"seq":..,"delta":<shared>}}};
   * {@link OutFrame} appends the shared delta and the closing braces.
   */
  static byte[] eventHead(String subId, long seq) {
    byte[] quoted = quoted(subId);
    byte[] seqText = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream(EVENT_HEAD.length + quoted.length + seqText.length + 16);
    out.writeBytes(EVENT_HEAD);
    out.writeBytes(quoted);
    out.writeBytes(SEQ);
    out.writeBytes(seqText);
    out.writeBytes(DELTA);
    return out.toByteArray();
  }

  /** One event as a frame, e.g. for a catch-up (the delta is then the only recipient's). */
  static OutFrame event(String subId, long seq, byte[] delta) {
    return new OutFrame(eventHead(subId, seq), delta, seq);
  }

  private static byte[] quoted(String s) {
    return Json.toBytes(Value.of(s));
  }

  /** A document as a snapshot carries it (its flattened JSON); pages are sized by these bytes. */
  static byte[] document(Document document) {
    return Json.toBytes(document.toFlat());
  }

  /**
   * One snapshot message over already encoded documents: the seq they are as of, whether it
   * replaces everything the client had ({@code reset}), and whether more pages follow.
   */
  static byte[] snapshot(String subId, List<byte[]> documents, long seq, boolean reset, boolean complete) {
    byte[] id = quoted(subId);
    int size = 96 + 2 * id.length;
    for (byte[] d : documents) {
      size += d.length + 1;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.writeBytes(ascii("{\"id\":"));
    out.writeBytes(id);
    out.writeBytes(ascii(",\"type\":\"snapshot\",\"payload\":{\"subId\":"));
    out.writeBytes(id);
    out.writeBytes(ascii(",\"documents\":["));
    for (int i = 0; i < documents.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(documents.get(i));
    }
    out.writeBytes(ascii("],\"seq\":" + seq));
    if (reset) {
      out.writeBytes(ascii(",\"reset\":true"));
    }
    if (!complete) {
      out.writeBytes(ascii(",\"complete\":false"));
    }
    out.writeBytes(ascii("}}"));
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
