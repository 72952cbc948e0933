package io.syntrix.link;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.syntrix.link.proto.Delivery;
import io.syntrix.link.proto.GatewayFrame;
import io.syntrix.link.proto.Heartbeat;
import io.syntrix.link.proto.Hello;
import io.syntrix.link.proto.LinkGrpc;
import io.syntrix.link.proto.StreamerFrame;
import io.syntrix.link.proto.Unsubscribe;
import io.syntrix.model.ChangeEvent.Op;
import io.syntrix.model.ErrorCode;
import io.syntrix.model.InvalidInputException;
import io.syntrix.streamer.CutOff;
import io.syntrix.streamer.DeliveryHandler;
import io.syntrix.streamer.EventDelivery;
import io.syntrix.streamer.Stream;
import io.syntrix.streamer.StreamerException;
import io.syntrix.streamer.SubscribeRequest;
import io.syntrix.streamer.SubscribeResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway's {@link Stream} over the link: a gRPC call to {@link LinkServer}.
 *
 * <p><b>Lifecycle.</b> {@code CONNECTING → OPEN → CUT_OFF → CLOSED}, or to {@code CLOSED} directly
 * when the gateway closes it; every move goes through {@link #transition}. CUT_OFF: an end marker
 * is queued behind what was received (the streamer's CutOff frame, a broken or silent link:
 * {@link CutOff.Reason#LINK_LOST}, or {@link GrpcStreamer#close}: {@code SHUTDOWN}); the delivery
 * thread hands over what precedes it, then {@link DeliveryHandler#onCutOff}, then stops.
 *
 * <p><b>Tags.</b> Every subscribe gets a fresh tag, the id the streamer knows it by. Only the
 * current tag of a subscription id is handed over: a replacing subscribe makes the old tag dead
 * at once (its in-flight deliveries are dropped here) and unsubscribes it, so the handler never
 * sees a change twice for one id. An unsubscribe takes effect here at once too, never blocking.
 *
 * <p><b>Flow control.</b> Inbound messages are requested one at a time (gRPC manual flow control).
 * Deliveries and signals wait in the inbox for the delivery thread; once their serialized bytes
 * reach {@link LinkOptions#inboxBytes()} the stream stops requesting, HTTP/2's window fills, the
 * streamer's call stops being ready and its per-gateway queue absorbs the rest until it cuts the
 * stream off as a slow consumer (see {@link LinkSession}). While a subscribe awaits its reply the
 * stream reads on regardless, so a reply is never stuck behind deliveries (a handler may
 * subscribe on the delivery thread); what it reads then is bounded by the streamer's queue budget.
 *
 * <p><b>Resume positions.</b> Each subscription keeps a floor (its live point, or its
 * {@code resumeAfter} while it replays, or a reset's live point) and the highest seq handed over
 * for it; the larger is where it would resume if the link broke now. A streamer's CutOff carries
 * exact positions, which win. Reconnecting with them is the caller's job (a later step).
 *
 * <p><b>Threads.</b> Inbound frames arrive on gRPC's executor, one at a time; replies complete
 * there. The handler runs on {@code syntrix-link-delivery-<gatewayId>}. Heartbeats run on the
 * streamer's timer. Sends hold {@code sendLock}; the credit state holds {@code credit}.
 */
final class GrpcStream implements Stream, ClientResponseObserver<GatewayFrame, StreamerFrame> {
  private static final Logger log = LoggerFactory.getLogger(GrpcStream.class);

  enum State { CONNECTING, OPEN, CUT_OFF, CLOSED }

  /** One subscribe as sent, under its tag. */
  static final class Sub {
    final String id;
    final long tag;
    /** Set when the reply arrives: where the subscription's deliveries start. */
    volatile long floor = SubscribeRequest.LIVE;
    volatile boolean confirmed;
    // Delivery thread only.
    long handedThrough = SubscribeRequest.LIVE;
    long resetTo = SubscribeRequest.LIVE;

    Sub(String id, long tag) {
      this.id = id;
      this.tag = tag;
    }

    long resumeAfter() {
      return Math.max(floor, Math.max(handedThrough, resetTo));
    }
  }

  /** What the delivery thread takes: a frame for the handler, or the end of the stream. */
  sealed interface Inbound {
    record Frame(StreamerFrame frame, int bytes) implements Inbound {}

    record End(CutOff.Reason reason, Map<Long, Long> positions) implements Inbound {}
  }

  private final GrpcStreamer owner;
  private final String gatewayId;
  private final DeliveryHandler handler;
  private final LinkOptions options;
  private final ScheduledExecutorService timer;
  private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);
  private final AtomicLong tags = new AtomicLong();
  private final ConcurrentHashMap<Long, Sub> byTag = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Sub> byId = new ConcurrentHashMap<>();
  private final Object subsLock = new Object();
  private final ConcurrentHashMap<Long, CompletableFuture<StreamerFrame>> replies = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> welcome = new CompletableFuture<>();
  private final LinkedBlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
  private final Object sendLock = new Object();
  private final Object credit = new Object();
  private long inboxBytes;
  private boolean starved;
  private int awaitingReplies;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile long silenceNanos;
  private final Thread thread;
  private volatile ClientCallStreamObserver<GatewayFrame> out;
  private volatile ScheduledFuture<?> heartbeats;

  GrpcStream(GrpcStreamer owner, String gatewayId, DeliveryHandler handler, LinkOptions options,
             ScheduledExecutorService timer) {
    this.owner = owner;
    this.gatewayId = gatewayId;
    this.handler = handler;
    this.options = options;
    this.timer = timer;
    this.silenceNanos = options.heartbeatTimeout().toNanos();
    this.thread = Thread.ofPlatform().name("syntrix-link-delivery-" + gatewayId).daemon().unstarted(this::run);
  }

  /** Starts the call, says Hello and waits for the Welcome. */
  void start(LinkGrpc.LinkStub stub) {
    thread.start();
    stub.connect(this);
    send(GatewayFrame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(LinkOptions.PROTOCOL_VERSION)
        .setGatewayId(gatewayId).setHeartbeatIntervalMs((int) options.heartbeatInterval().toMillis())).build());
    try {
      welcome.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      close();
      throw new StreamerException(ErrorCode.UNAVAILABLE, "cannot open the link of gateway '" + gatewayId + "': "
          + (e instanceof ExecutionException ee ? ee.getCause().getMessage() : e.toString()));
    }
    long every = options.heartbeatInterval().toNanos();
    heartbeats = timer.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.NANOSECONDS);
  }

  private boolean transition(State from, State to) {
    if (!state.compareAndSet(from, to)) {
      return false;
    }
    log.debug("link stream of gateway {}: {} -> {}", gatewayId, from, to);
    return true;
  }

  @Override
  public String gatewayId() {
    return gatewayId;
  }

  @Override
  public boolean isOpen() {
    return state.get() == State.OPEN;
  }

  // ---- gateway calls, any thread ----

  @Override
  public SubscribeResult subscribe(SubscribeRequest request) {
    if (state.get() != State.OPEN) {
      throw closed();
    }
    Sub sub = new Sub(request.subscriptionId(), tags.incrementAndGet());
    CompletableFuture<StreamerFrame> reply = new CompletableFuture<>();
    replies.put(sub.tag, reply);
    Sub old;
    synchronized (subsLock) {
      old = byId.put(sub.id, sub);
      byTag.put(sub.tag, sub);
      if (old != null) {
        byTag.remove(old.tag);
      }
    }
    awaitReplies(1);
    StreamerFrame answer;
    try {
      send(GatewayFrame.newBuilder().setSubscribe(LinkCodec.subscribe(sub.tag, request)).build());
      if (old != null) {
        send(unsubscribeFrame(old.tag));
      }
      answer = reply.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      forget(sub);
      throw e instanceof ExecutionException ee && ee.getCause() instanceof StreamerException se ? se
          : new StreamerException(ErrorCode.UNAVAILABLE, "no answer from the streamer to subscribe '" + sub.id + "'");
    } finally {
      awaitReplies(-1);
      replies.remove(sub.tag);
    }
    if (answer.hasSubscribeFailed()) {
      forget(sub);
      ErrorCode code = errorCode(answer.getSubscribeFailed().getCode());
      String message = answer.getSubscribeFailed().getMessage();
      throw code == ErrorCode.BAD_REQUEST ? new InvalidInputException(message) : new StreamerException(code, message);
    }
    var ok = answer.getSubscribed();
    SubscribeResult.Resume resume = LinkCodec.resume(ok.getResume());
    sub.floor = resume == SubscribeResult.Resume.REPLAY ? request.resumeAfter() : ok.getLiveAfterSeq();
    sub.confirmed = true;
    return new SubscribeResult(request.subscriptionId(), ok.getLiveAfterSeq(), resume);
  }

  /** The streamer's error code; one this gateway does not know (a newer streamer) is an internal error. */
  private static ErrorCode errorCode(String name) {
    try {
      return ErrorCode.valueOf(name);
    } catch (IllegalArgumentException unknown) {
      return ErrorCode.INTERNAL_ERROR;
    }
  }

  private void forget(Sub sub) {
    synchronized (subsLock) {
      byId.remove(sub.id, sub);
      byTag.remove(sub.tag);
    }
    send(unsubscribeFrame(sub.tag));
  }

  private static GatewayFrame unsubscribeFrame(long tag) {
    return GatewayFrame.newBuilder().setUnsubscribe(Unsubscribe.newBuilder().setTag(tag)).build();
  }

  @Override
  public boolean unsubscribe(String subscriptionId) {
    Sub sub;
    synchronized (subsLock) {
      sub = byId.remove(subscriptionId);
      if (sub == null) {
        return false;
      }
      byTag.remove(sub.tag);
    }
    send(unsubscribeFrame(sub.tag));
    return true;
  }

  @Override
  public void close() {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.CLOSED) {
      return;
    }
    log.debug("link stream of gateway {}: {} -> CLOSED (closed by the gateway)", gatewayId, before);
    stopCall("closed by the gateway");
    failReplies("the stream of gateway '" + gatewayId + "' is closed");
    if (Thread.currentThread() != thread) {
      thread.interrupt();
      awaitDelivered(5, TimeUnit.SECONDS);
    }
  }

  /** {@link GrpcStreamer#close}: cut off with SHUTDOWN after what was received. */
  void shutdown() {
    if (transition(State.OPEN, State.CUT_OFF)) {
      inbox.add(new Inbound.End(CutOff.Reason.SHUTDOWN, Map.of()));
      stopCall("the gateway's link client is closing");
    } else if (state.get() == State.CONNECTING) {
      close();
    }
  }

  boolean awaitDelivered(long timeout, TimeUnit unit) {
    try {
      return thread.join(java.time.Duration.ofNanos(unit.toNanos(timeout)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private StreamerException closed() {
    return new StreamerException(ErrorCode.UNAVAILABLE, "the stream of gateway '" + gatewayId + "' is "
        + state.get().name().toLowerCase(java.util.Locale.ROOT));
  }

  // ---- gRPC callbacks ----

  @Override
  public void beforeStart(ClientCallStreamObserver<GatewayFrame> requestStream) {
    out = requestStream;
    requestStream.disableAutoRequestWithInitial(1);
  }

  @Override
  public void onNext(StreamerFrame frame) {
    lastHeardNanos = System.nanoTime();
    switch (frame.getFrameCase()) {
      case WELCOME -> {
        owner.remoteRunning = frame.getWelcome().getRunning();
        int interval = frame.getWelcome().getHeartbeatIntervalMs();
        silenceNanos = Math.max(silenceNanos, TimeUnit.MILLISECONDS.toNanos(3L * interval));
        transition(State.CONNECTING, State.OPEN);
        welcome.complete(null);
        received(null, 0);
      }
      case SUBSCRIBED -> reply(frame.getSubscribed().getTag(), frame);
      case SUBSCRIBE_FAILED -> reply(frame.getSubscribeFailed().getTag(), frame);
      case HEARTBEAT -> {
        owner.remoteRunning = frame.getHeartbeat().getRunning();
        received(null, 0);
      }
      case DELIVERY, RESET, CHANGE_FAILED -> received(frame, frame.getSerializedSize());
      case CUT_OFF -> {
        if (transition(State.OPEN, State.CUT_OFF)) {
          if (LinkCodec.reason(frame.getCutOff().getReason()) == CutOff.Reason.SHUTDOWN) {
            owner.remoteRunning = false; // the streamer is stopping: not running until a new stream is welcomed
          }
          inbox.add(new Inbound.End(LinkCodec.reason(frame.getCutOff().getReason()),
              Map.copyOf(frame.getCutOff().getResumeAfterMap())));
        }
      }
      case FRAME_NOT_SET -> received(null, 0);
    }
  }

  private void reply(long tag, StreamerFrame frame) {
    CompletableFuture<StreamerFrame> f = replies.get(tag);
    if (f != null) {
      f.complete(frame);
    }
    received(null, 0);
  }

  @Override
  public void onError(Throwable t) {
    linkLost("the call failed: " + Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    linkLost("the streamer ended the call without a cut-off");
  }

  private void linkLost(String why) {
    StreamerException e = new StreamerException(ErrorCode.UNAVAILABLE, "the link of gateway '" + gatewayId
        + "' is lost: " + why);
    welcome.completeExceptionally(e);
    failReplies(e.getMessage());
    if (transition(State.OPEN, State.CUT_OFF)) {
      owner.remoteRunning = false; // until a new stream is welcomed
      log.info("link of gateway {} lost: {}", gatewayId, why);
      inbox.add(new Inbound.End(CutOff.Reason.LINK_LOST, Map.of()));
    }
  }

  private void failReplies(String message) {
    StreamerException e = new StreamerException(ErrorCode.UNAVAILABLE, message);
    replies.values().forEach(f -> f.completeExceptionally(e));
  }

  // ---- credit: manual inbound flow control ----

  /** A frame arrived (null: a control frame, already handled): queue it and ask for the next one unless full. */
  private void received(StreamerFrame frame, int bytes) {
    synchronized (credit) {
      if (frame != null) {
        inboxBytes += bytes;
        inbox.add(new Inbound.Frame(frame, bytes));
      }
      if (inboxBytes < options.inboxBytes() || awaitingReplies > 0) {
        out.request(1);
      } else {
        starved = true;
      }
    }
  }

  private void handedOver(int bytes) {
    synchronized (credit) {
      inboxBytes -= bytes;
      if (starved && inboxBytes <= options.inboxBytes() / 2) {
        resume();
      }
    }
  }

  private void awaitReplies(int delta) {
    synchronized (credit) {
      awaitingReplies += delta;
      if (delta > 0 && starved) {
        resume();
      }
    }
  }

  /** Under {@code credit}: read again; the silence clock restarts (we were not listening). */
  private void resume() {
    starved = false;
    lastHeardNanos = System.nanoTime();
    out.request(1);
  }

  // ---- heartbeats, on the timer ----

  private void heartbeat() {
    if (state.get() != State.OPEN) {
      ScheduledFuture<?> h = heartbeats;
      if (h != null) {
        h.cancel(false);
      }
      return;
    }
    boolean listening;
    synchronized (credit) {
      listening = !starved;
    }
    if (listening && System.nanoTime() - lastHeardNanos > silenceNanos) {
      linkLost("the streamer went silent for over " + TimeUnit.NANOSECONDS.toMillis(silenceNanos) + " ms");
      stopCall("the streamer went silent");
      return;
    }
    send(GatewayFrame.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSentAt(System.currentTimeMillis()))
        .build());
  }

  private void send(GatewayFrame frame) {
    synchronized (sendLock) {
      ClientCallStreamObserver<GatewayFrame> o = out;
      if (o == null || state.get() == State.CLOSED) {
        return;
      }
      try {
        o.onNext(frame);
      } catch (RuntimeException e) { // the call is gone; onError reports it
        log.debug("link of gateway {}: send failed", gatewayId, e);
      }
    }
  }

  private void stopCall(String why) {
    ScheduledFuture<?> h = heartbeats;
    if (h != null) {
      h.cancel(false);
    }
    synchronized (sendLock) {
      ClientCallStreamObserver<GatewayFrame> o = out;
      if (o != null) {
        o.cancel(why, null);
      }
    }
  }

  // ---- delivery thread ----

  private void run() {
    try {
      while (state.get() != State.CLOSED) {
        switch (inbox.take()) {
          case Inbound.Frame f -> {
            try {
              handle(f.frame());
            } finally {
              handedOver(f.bytes());
            }
          }
          case Inbound.End e -> {
            end(e);
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      // closed by the gateway
    } catch (RuntimeException e) {
      if (state.get() != State.CLOSED) {
        handlerFailed(e);
      }
    } finally {
      inbox.clear();
      owner.remove(this);
    }
  }

  private void handle(StreamerFrame frame) {
    switch (frame.getFrameCase()) {
      case DELIVERY -> deliver(frame.getDelivery());
      case RESET -> {
        Sub s = byTag.get(frame.getReset().getTag());
        if (s != null && state.get() != State.CLOSED) {
          s.resetTo = frame.getReset().getLiveAfterSeq();
          handler.onReset(s.id, frame.getReset().getLiveAfterSeq());
        }
      }
      case CHANGE_FAILED -> {
        List<String> ids = new ArrayList<>();
        for (long tag : frame.getChangeFailed().getTagsList()) {
          Sub s = byTag.get(tag);
          if (s != null) {
            ids.add(s.id);
          }
        }
        if (!ids.isEmpty() && state.get() != State.CLOSED) {
          handler.onChangeFailed(List.copyOf(ids), frame.getChangeFailed().getSeq(),
              frame.getChangeFailed().getReason());
        }
      }
      default -> throw new IllegalStateException("not a frame for the handler: " + frame.getFrameCase());
    }
  }

  private void deliver(Delivery d) {
    int n = d.getTagsCount();
    List<Sub> subs = new ArrayList<>(n);
    List<String> ids = new ArrayList<>(n);
    List<Op> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Sub s = byTag.get(d.getTags(i));
      if (s != null) {
        subs.add(s);
        ids.add(s.id);
        ops.add(LinkCodec.op(d.getOperations(i)));
      }
    }
    if (subs.isEmpty() || state.get() == State.CLOSED) {
      return;
    }
    long seq = d.getEvent().getSeq();
    handler.onDelivery(new EventDelivery(ids, ops, LinkCodec.event(d.getEvent())));
    for (Sub s : subs) {
      s.handedThrough = Math.max(s.handedThrough, seq);
    }
  }

  private void end(Inbound.End e) {
    Map<String, Long> positions = new HashMap<>();
    for (Sub s : byId.values()) {
      Long exact = e.positions().get(s.tag);
      if (exact != null) {
        positions.put(s.id, exact);
      } else if (s.confirmed) {
        positions.put(s.id, s.resumeAfter());
      }
    }
    transition(State.CUT_OFF, State.CLOSED);
    signalCutOff(new CutOff(e.reason(), positions));
  }

  private void handlerFailed(RuntimeException failure) {
    log.warn("delivery handler of gateway {} failed; cutting the link stream off", gatewayId, failure);
    State before = state.getAndSet(State.CLOSED);
    stopCall("the gateway's delivery handler failed");
    failReplies("the stream of gateway '" + gatewayId + "' was cut off");
    if (before == State.CLOSED) {
      return;
    }
    Map<String, Long> positions = new HashMap<>();
    for (Sub s : byId.values()) {
      if (s.confirmed) {
        positions.put(s.id, s.resumeAfter());
      }
    }
    signalCutOff(new CutOff(CutOff.Reason.HANDLER_FAILED, positions));
  }

  private void signalCutOff(CutOff cutOff) {
    log.info("link stream of gateway {} cut off: {}", gatewayId, cutOff.reason());
    try {
      handler.onCutOff(cutOff);
    } catch (RuntimeException e) {
      log.warn("delivery handler of gateway {} failed on its cut-off signal", gatewayId, e);
    }
  }

  @Override
  public String toString() {
    return "link stream of gateway " + gatewayId + " (" + state.get() + ")";
  }
}
