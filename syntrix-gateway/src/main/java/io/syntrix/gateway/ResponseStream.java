package io.syntrix.gateway;

import io.syntrix.model.Json;
import io.syntrix.model.Value;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chunked HTTP response body written from a worker thread, in 16 KiB chunks, with
 * back-pressure: when the connection's write queue is full the worker waits for it to drain,
 * so a slow client holds one worker rather than the whole result in memory.
 *
 * <p><b>Bounds.</b> That worker, and the store iterators behind it, are held for a bounded
 * time: the whole response must be written before its deadline (taken when the stream opens,
 * {@link GatewayOptions#responseDeadlineMillis}), and a client must take bytes at least every
 * {@link #STALL_LIMIT_NANOS}. Past either, or once the client has
 * gone, writing throws {@link Cut}; so a client that reads a trickle is cut off at the deadline.
 *
 * <p><b>Ending.</b> Only {@link #finish} ends the body with its terminating chunk. Closing
 * without finishing is a cut-off: once bytes went out, the connection is closed without the
 * terminating chunk, so no client can take a truncated body for a whole one (HTTP clients
 * report an incomplete chunked body; the JSON is unterminated too). While nothing went out
 * (the first 16 KiB are buffered) the response is left untouched, so the caller can still
 * answer with an error status: a query refused on its first rows is a clean 400.
 *
 * <p><b>Threads.</b> Opened, written and closed on one worker; the drain and close handlers run
 * on the connection's event loop and only signal the worker.
 */
final class ResponseStream extends OutputStream {
  private static final int CHUNK = 16 * 1024;
  private static final long STALL_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** How late a waiting writer may notice its deadline. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Why a response was cut off (the wire names are metric tags). */
  enum Reason {
    DEADLINE("deadline"),
    STALLED("stalled"),
    CLIENT_GONE("client_gone"),
    FAILED("failed");

    final String tag;

    Reason(String tag) {
      this.tag = tag;
    }
  }

  /** Writing stopped for {@code reason}; {@code started} says whether any byte had gone out. */
  static final class Cut extends IOException {
    final Reason reason;
    final boolean started;

    Cut(Reason reason, boolean started, String message) {
      super(message);
      this.reason = reason;
      this.started = started;
    }
  }

  private final HttpServerResponse response;
  private final String contentType;
  private final long deadline;
  private final long deadlineMillis;
  private final GatewayMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition writable = lock.newCondition();
  private volatile boolean clientGone;
  private byte[] buffer = new byte[CHUNK];
  private int count;
  private boolean started;
  private boolean done;
  private Reason cutReason;

  /** Opens a stream on a worker; its deadline is {@code deadlineMillis} from now. */
  ResponseStream(HttpServerResponse response, String contentType, long deadlineMillis, GatewayMetrics metrics) {
    this.response = response;
    this.contentType = contentType;
    this.deadlineMillis = deadlineMillis;
    this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
    this.metrics = metrics;
    metrics.streamOpened();
    response.drainHandler(v -> signal());
    response.closeHandler(v -> {
      clientGone = true;
      signal();
    });
  }

  private void signal() {
    lock.lock();
    try {
      writable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buffer.length) {
      flush();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    checkDeadline();
    while (len > 0) {
      if (count == buffer.length) {
        flush();
      }
      int n = Math.min(len, buffer.length - count);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }

  /** Sends what is buffered as one chunk once the client can take it (the first chunk carries the status line). */
  @Override
  public void flush() throws IOException {
    if (count == 0) {
      return;
    }
    awaitWritable();
    if (!started) {
      response.setChunked(true).putHeader("Content-Type", contentType);
      started = true;
    }
    response.write(Buffer.buffer(Arrays.copyOf(buffer, count)));
    count = 0;
  }

  /** Writes one JSON value into the body (Json.writeTo closes what it writes to; this stream stays open). */
  void writeJson(Value value) throws IOException {
    Json.writeTo(value, new FilterOutputStream(this) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void flush() {
        // this stream decides when a chunk is complete
      }

      @Override
      public void close() {
        // not the end of the body
      }
    });
  }

  private void checkDeadline() throws Cut {
    if (System.nanoTime() - deadline >= 0) {
      throw cut(Reason.DEADLINE, "response not complete within its deadline of " + deadlineMillis + " ms");
    }
  }

  /** The exception that stops the writer; the reason is remembered for the metric counted at close. */
  private Cut cut(Reason reason, String message) {
    cutReason = reason;
    return new Cut(reason, started, message);
  }

  private void awaitWritable() throws IOException {
    long stallEnd = System.nanoTime() + STALL_LIMIT_NANOS;
    lock.lock();
    try {
      while (!clientGone && response.writeQueueFull()) {
        checkDeadline();
        long left = stallEnd - System.nanoTime();
        if (left <= 0) {
          throw cut(Reason.STALLED, "client took nothing for "
              + TimeUnit.NANOSECONDS.toSeconds(STALL_LIMIT_NANOS) + " s");
        }
        writable.await(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS); // wakes to check the deadline
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw cut(Reason.FAILED, "interrupted while streaming the response");
    } finally {
      lock.unlock();
    }
    if (clientGone) {
      throw cut(Reason.CLIENT_GONE, "client closed the connection");
    }
    checkDeadline();
  }

  /**
   * Ends the response: the only way to a complete body. A body that fit in the first chunk goes
   * out as one plain response with a {@code Content-Length}.
   */
  void finish() throws IOException {
    if (started) {
      flush();
      response.end();
    } else {
      checkDeadline();
      response.putHeader("Content-Type", contentType).end(Buffer.buffer(Arrays.copyOf(buffer, count)));
    }
    done = true;
    release(null);
  }

  /**
   * Without {@link #finish}: a cut-off. Bytes already sent are followed by a closed connection,
   * never by a terminating chunk; with nothing sent the response is left for an error answer.
   */
  @Override
  public void close() {
    if (!done) {
      done = true;
      if (started) {
        response.reset();
      }
      release(cutReason != null ? cutReason : started ? Reason.FAILED : null); // nothing sent: the caller answers
    }
  }

  private void release(Reason cut) {
    buffer = null;
    metrics.streamClosed(cut);
  }
}
