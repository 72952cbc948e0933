package io.syntrix.link;

import com.google.protobuf.ByteString;
import io.syntrix.link.proto.Delivery;
import io.syntrix.link.proto.Resume;
import io.syntrix.link.proto.Subscribe;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.Document;
import io.syntrix.model.DocumentPath;
import io.syntrix.model.Filter;
import io.syntrix.model.Json;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.Event;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.SubscribeResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Model ↔ protobuf for the link. Documents and filter operands travel as JSON (the model's own
 * encoding, {@link Json}), the rest as typed fields. Pure functions, any thread.
 */
final class LinkCodec {
  private LinkCodec() {}

  static Subscribe subscribe(long tag, SubscribeRequest request) {
    Subscribe.Builder b = Subscribe.newBuilder().setTag(tag).setSubscriptionId(request.subscriptionId())
        .setDatabase(request.database()).setCollection(request.collection()).setResumeAfter(request.resumeAfter());
    for (Filter f : request.filters()) {
      b.addFilters(io.syntrix.link.proto.Filter.newBuilder().setField(f.field()).setOp(f.op().wireName())
          .setValueJson(ByteString.copyFrom(Json.toBytes(f.value()))));
    }
    return b.build();
  }

  /** The request the streamer registers: its subscription id is the tag. */
  static SubscribeRequest subscribeRequest(Subscribe s) {
    List<Filter> filters = new ArrayList<>(s.getFiltersCount());
    for (io.syntrix.link.proto.Filter f : s.getFiltersList()) {
      filters.add(Filter.of(f.getField(), f.getOp(), Json.parse(f.getValueJson().toByteArray())));
    }
    return new SubscribeRequest(Long.toString(s.getTag()), s.getDatabase(), s.getCollection(), filters,
        s.getResumeAfter());
  }

  static Resume resume(SubscribeResult.Resume r) {
    return switch (r) {
      case NONE -> Resume.RESUME_NONE;
      case REPLAY -> Resume.RESUME_REPLAY;
      case UP_TO_DATE -> Resume.RESUME_UP_TO_DATE;
      case RESET -> Resume.RESUME_RESET;
    };
  }

  static SubscribeResult.Resume resume(Resume r) {
    return switch (r) {
      case RESUME_NONE -> SubscribeResult.Resume.NONE;
      case RESUME_REPLAY -> SubscribeResult.Resume.REPLAY;
      case RESUME_UP_TO_DATE -> SubscribeResult.Resume.UP_TO_DATE;
      case RESUME_RESET -> SubscribeResult.Resume.RESET;
      case RESUME_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("no resume outcome: " + r);
    };
  }

  static io.syntrix.link.proto.Op op(Op op) {
    return switch (op) {
      case CREATE -> io.syntrix.link.proto.Op.OP_CREATE;
      case UPDATE -> io.syntrix.link.proto.Op.OP_UPDATE;
      case DELETE -> io.syntrix.link.proto.Op.OP_DELETE;
    };
  }

  static Op op(io.syntrix.link.proto.Op op) {
    return switch (op) {
      case OP_CREATE -> Op.CREATE;
      case OP_UPDATE -> Op.UPDATE;
      case OP_DELETE -> Op.DELETE;
      case OP_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("no operation: " + op);
    };
  }

  static io.syntrix.link.proto.CutOff.Reason reason(CutOff.Reason r) {
    return switch (r) {
      case SLOW_CONSUMER -> io.syntrix.link.proto.CutOff.Reason.REASON_SLOW_CONSUMER;
      case HANDLER_FAILED -> io.syntrix.link.proto.CutOff.Reason.REASON_HANDLER_FAILED;
      case REPLACED -> io.syntrix.link.proto.CutOff.Reason.REASON_REPLACED;
      case LOG_TRUNCATED -> io.syntrix.link.proto.CutOff.Reason.REASON_LOG_TRUNCATED;
      case SHUTDOWN -> io.syntrix.link.proto.CutOff.Reason.REASON_SHUTDOWN;
      case LINK_LOST -> io.syntrix.link.proto.CutOff.Reason.REASON_LINK_LOST;
    };
  }

  static CutOff.Reason reason(io.syntrix.link.proto.CutOff.Reason r) {
    return switch (r) {
      case REASON_SLOW_CONSUMER -> CutOff.Reason.SLOW_CONSUMER;
      case REASON_HANDLER_FAILED -> CutOff.Reason.HANDLER_FAILED;
      case REASON_REPLACED -> CutOff.Reason.REPLACED;
      case REASON_LOG_TRUNCATED -> CutOff.Reason.LOG_TRUNCATED;
      case REASON_SHUTDOWN -> CutOff.Reason.SHUTDOWN;
      case REASON_LINK_LOST, REASON_UNSPECIFIED, UNRECOGNIZED -> CutOff.Reason.LINK_LOST;
    };
  }

  /** A delivery's frame, naming subscriptions by tag (the streamer-side subscription ids are tags). */
  static Delivery delivery(io.syntrix.streamer.EventDelivery d) {
    Delivery.Builder b = Delivery.newBuilder().setEvent(event(d.event()));
    for (int i = 0; i < d.size(); i++) {
      b.addTags(Long.parseLong(d.subscriptionIds().get(i))).addOperations(op(d.operations().get(i)));
    }
    return b.build();
  }

  static io.syntrix.link.proto.Event event(Event e) {
    io.syntrix.link.proto.Event.Builder b = io.syntrix.link.proto.Event.newBuilder().setSeq(e.seq())
        .setDatabase(e.database()).setCollection(e.collection()).setDocumentId(e.documentId())
        .setTimestamp(e.timestamp());
    if (e.before() != null) {
      b.setBefore(document(e.before()));
    }
    if (e.after() != null) {
      b.setAfter(document(e.after()));
    }
    return b.build();
  }

  static Event event(io.syntrix.link.proto.Event e) {
    return new Event(e.getSeq(), e.getDatabase(), e.getCollection(), e.getDocumentId(),
        e.hasBefore() ? document(e.getBefore()) : null, e.hasAfter() ? document(e.getAfter()) : null,
        e.getTimestamp());
  }

  static io.syntrix.link.proto.Document document(Document d) {
    return io.syntrix.link.proto.Document.newBuilder().setPath(d.path().value())
        .setDataJson(ByteString.copyFrom(Json.toBytes(d.data()))).setVersion(d.version())
        .setCreatedAt(d.createdAt()).setUpdatedAt(d.updatedAt()).setDeleted(d.deleted()).build();
  }

  static Document document(io.syntrix.link.proto.Document d) {
    return new Document(DocumentPath.of(d.getPath()), Json.parseObject(d.getDataJson().toByteArray()),
        d.getVersion(), d.getCreatedAt(), d.getUpdatedAt(), d.getDeleted());
  }
}
