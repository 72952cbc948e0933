package io.syntrix.link;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.syntrix.link.proto.ChangeFailed;
import io.syntrix.link.proto.GatewayFrame;
import io.syntrix.link.proto.Heartbeat;
import io.syntrix.link.proto.Reset;
import io.syntrix.link.proto.StreamerFrame;
import io.syntrix.link.proto.SubscribeFailed;
import io.syntrix.link.proto.Subscribed;
import io.syntrix.link.proto.Welcome;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.SyntrixException;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.DeliveryHandler;
import io.syntrix.streamer.EventDelivery;
import io.syntrix.streamer.Stream;
import io.syntrix.streamer.StreamerException;
import io.syntrix.streamer.SubscribeResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streamer side of one gateway's link call: it opens the gateway's {@link Stream} on the
 * served streamer and relays frames both ways.
 *
 * <p><b>Lifecycle.</b> {@code AWAITING_HELLO → OPEN → ENDED} (or straight to ENDED on a protocol
 * violation); every move goes through {@link #transition}. The call ends exactly once, through
 * {@link #end}: with the stream's {@link CutOff} (a CutOff frame, then the call completes), when
 * the gateway half-closes or cancels, or when it has been silent for the heartbeat timeout.
 *
 * <p><b>Flow control.</b> Deliveries are handed over on the stream's delivery thread; before
 * sending one it waits until the call {@link ServerCallStreamObserver#isReady() is ready}, i.e. gRPC
 * has room below its on-ready threshold because the gateway keeps reading. While it waits, the
 * stream's own bounded queue (the {@code StreamerOptions} capacity and byte budget) fills, and when
 * it would overflow the streamer cuts the stream off with {@link CutOff.Reason#SLOW_CONSUMER} and
 * resume positions, which this session relays as the call's last frame. So a slow gateway is
 * buffered by at most its queue budget here, gRPC's threshold and the gateway's window, never
 * without bound. Small control frames (replies, heartbeats, the cut-off) are sent without waiting.
 *
 * <p><b>Threads.</b> Inbound frames arrive on gRPC's executor, one at a time; subscribe and
 * unsubscribe run there. Deliveries and signals come from the stream's delivery thread, heartbeats
 * from the service's timer. Every send holds {@code sendLock} (a call observer is not thread-safe).
 */
final class LinkSession implements StreamObserver<GatewayFrame>, DeliveryHandler {
  private static final Logger log = LoggerFactory.getLogger(LinkSession.class);

  enum State { AWAITING_HELLO, OPEN, ENDED }

  private final io.syntrix.streamer.Streamer streamer;
  private final ServerCallStreamObserver<StreamerFrame> out;
  private final ScheduledExecutorService timer;
  private final LinkOptions options;
  private final AtomicReference<State> state = new AtomicReference<>(State.AWAITING_HELLO);
  private final Object sendLock = new Object();
  private final Object readyLock = new Object();
  private volatile String gatewayId = "?";
  private volatile Stream stream;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile long gatewaySilenceNanos;
  private ScheduledFuture<?> heartbeats;

  LinkSession(io.syntrix.streamer.Streamer streamer, ServerCallStreamObserver<StreamerFrame> out,
              ScheduledExecutorService timer, LinkOptions options) {
    this.streamer = streamer;
    this.out = out;
    this.timer = timer;
    this.options = options;
    this.gatewaySilenceNanos = options.heartbeatTimeout().toNanos();
    out.setOnReadyHandler(this::onReady);
    out.setOnCancelHandler(() -> end(null, "the gateway cancelled the call"));
  }

  private boolean transition(State from, State to) {
    if (!state.compareAndSet(from, to)) {
      return false;
    }
    log.debug("link session of gateway {}: {} -> {}", gatewayId, from, to);
    return true;
  }

  // ---- inbound, on gRPC's executor ----

  @Override
  public void onNext(GatewayFrame frame) {
    lastHeardNanos = System.nanoTime();
    switch (frame.getFrameCase()) {
      case HELLO -> hello(frame.getHello());
      case SUBSCRIBE -> subscribe(frame.getSubscribe());
      case UNSUBSCRIBE -> {
        Stream s = stream;
        if (s != null) {
          s.unsubscribe(Long.toString(frame.getUnsubscribe().getTag()));
        }
      }
      case HEARTBEAT -> { }
      case FRAME_NOT_SET -> protocolViolation("an empty frame");
    }
  }

  private void hello(io.syntrix.link.proto.Hello hello) {
    if (hello.getProtocolVersion() != LinkOptions.PROTOCOL_VERSION || hello.getGatewayId().isEmpty()) {
      protocolViolation("a hello with protocol version " + hello.getProtocolVersion() + " and gateway id '"
          + hello.getGatewayId() + "'");
      return;
    }
    if (!transition(State.AWAITING_HELLO, State.OPEN)) {
      protocolViolation("a second hello");
      return;
    }
    gatewayId = hello.getGatewayId();
    if (hello.getHeartbeatIntervalMs() > 0) {
      gatewaySilenceNanos = Math.max(gatewaySilenceNanos, TimeUnit.MILLISECONDS.toNanos(3L * hello.getHeartbeatIntervalMs()));
    }
    synchronized (sendLock) { // the Welcome goes out before anything the new stream sends
      try {
        stream = streamer.open(gatewayId, this);
      } catch (RuntimeException e) {
        log.info("link of gateway {}: the streamer refused its stream", gatewayId, e);
        end(Status.UNAVAILABLE.withDescription("the streamer cannot open a stream: " + e.getMessage()), null);
        return;
      }
      out.onNext(StreamerFrame.newBuilder().setWelcome(Welcome.newBuilder()
          .setProtocolVersion(LinkOptions.PROTOCOL_VERSION)
          .setHeartbeatIntervalMs((int) options.heartbeatInterval().toMillis())
          .setRunning(streamer.isRunning())).build());
    }
    long every = options.heartbeatInterval().toNanos();
    heartbeats = timer.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.NANOSECONDS);
    log.info("link of gateway {} open", gatewayId);
  }

  private void subscribe(io.syntrix.link.proto.Subscribe s) {
    Stream st = stream;
    if (st == null) {
      protocolViolation("a subscribe before the hello");
      return;
    }
    StreamerFrame reply;
    try {
      SubscribeResult r = st.subscribe(LinkCodec.subscribeRequest(s));
      reply = StreamerFrame.newBuilder().setSubscribed(Subscribed.newBuilder().setTag(s.getTag())
          .setLiveAfterSeq(r.liveAfterSeq()).setResume(LinkCodec.resume(r.resume()))).build();
    } catch (SyntrixException e) {
      reply = failed(s.getTag(), e.code(), e.getMessage());
    } catch (RuntimeException e) {
      log.warn("link of gateway {}: subscribe {} failed", gatewayId, s.getSubscriptionId(), e);
      reply = failed(s.getTag(), ErrorCode.INTERNAL_ERROR, String.valueOf(e.getMessage()));
    }
    send(reply);
  }

  private static StreamerFrame failed(long tag, ErrorCode code, String message) {
    return StreamerFrame.newBuilder().setSubscribeFailed(SubscribeFailed.newBuilder().setTag(tag)
        .setCode(code.name()).setMessage(message)).build();
  }

  @Override
  public void onError(Throwable t) {
    end(null, "the gateway's call failed: " + Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end(Status.OK, "the gateway closed its stream");
  }

  private void protocolViolation(String what) {
    log.warn("link of gateway {}: protocol violation: {}", gatewayId, what);
    end(Status.INVALID_ARGUMENT.withDescription("protocol violation: " + what), null);
  }

  // ---- timer ----

  private void heartbeat() {
    if (System.nanoTime() - lastHeardNanos > gatewaySilenceNanos) {
      log.info("link of gateway {}: silent for over {} ms; dropping it", gatewayId,
          TimeUnit.NANOSECONDS.toMillis(gatewaySilenceNanos));
      end(Status.UNAVAILABLE.withDescription("the gateway went silent"), null);
      return;
    }
    if (out.isReady()) { // a gateway that is behind has frames to read; no need to pile heartbeats on them
      send(StreamerFrame.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentAt(System.currentTimeMillis())
          .setRunning(streamer.isRunning())).build());
    }
  }

  // ---- the stream's delivery thread ----

  @Override
  public void onDelivery(EventDelivery delivery) {
    StreamerFrame frame = StreamerFrame.newBuilder().setDelivery(LinkCodec.delivery(delivery)).build();
    awaitReady();
    send(frame);
  }

  @Override
  public void onReset(String subscriptionId, long liveAfterSeq) {
    awaitReady();
    send(StreamerFrame.newBuilder().setReset(Reset.newBuilder().setTag(Long.parseLong(subscriptionId))
        .setLiveAfterSeq(liveAfterSeq)).build());
  }

  @Override
  public void onChangeFailed(List<String> subscriptionIds, long seq, String reason) {
    ChangeFailed.Builder b = ChangeFailed.newBuilder().setSeq(seq).setReason(reason);
    subscriptionIds.forEach(id -> b.addTags(Long.parseLong(id)));
    awaitReady();
    send(StreamerFrame.newBuilder().setChangeFailed(b).build());
  }

  @Override
  public void onCutOff(CutOff cutOff) {
    io.syntrix.link.proto.CutOff.Builder b = io.syntrix.link.proto.CutOff.newBuilder()
        .setReason(LinkCodec.reason(cutOff.reason()));
    for (Map.Entry<String, Long> e : cutOff.resumeAfter().entrySet()) {
      b.putResumeAfter(Long.parseLong(e.getKey()), e.getValue());
    }
    send(StreamerFrame.newBuilder().setCutOff(b).build());
    end(Status.OK, "cut off: " + cutOff.reason());
  }

  /** Blocks the delivery thread until gRPC can take more; the stream's own queue bounds what waits meanwhile. */
  private void awaitReady() {
    synchronized (readyLock) {
      while (!out.isReady() && state.get() == State.OPEN) {
        try {
          readyLock.wait(options.heartbeatInterval().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StreamerException(ErrorCode.UNAVAILABLE, "the link of gateway '" + gatewayId + "' is closing");
        }
      }
    }
  }

  private void onReady() {
    synchronized (readyLock) {
      readyLock.notifyAll();
    }
  }

  private void send(StreamerFrame frame) {
    synchronized (sendLock) {
      if (state.get() != State.OPEN) {
        return;
      }
      try {
        out.onNext(frame);
      } catch (RuntimeException e) { // the call is gone; its cancel handler ends the session
        log.debug("link of gateway {}: send failed", gatewayId, e);
      }
    }
  }

  /**
   * The single exit: closes the stream (no more signals) and finishes the call with
   * {@code status} (null: the call is already gone). Idempotent.
   */
  private void end(Status status, String why) {
    State before = state.getAndSet(State.ENDED);
    if (before == State.ENDED) {
      return;
    }
    log.debug("link session of gateway {}: {} -> ENDED ({})", gatewayId, before,
        why != null ? why : status);
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
    onReady(); // wake a delivery thread waiting for room
    Stream s = stream;
    if (s != null && s.isOpen()) {
      s.close();
    }
    if (status != null) {
      synchronized (sendLock) {
        try {
          if (status.isOk()) {
            out.onCompleted();
          } else {
            out.onError(status.asRuntimeException());
          }
        } catch (RuntimeException e) {
          log.debug("link of gateway {}: the call was already closed", gatewayId, e);
        }
      }
    }
  }
}
