package io.syntrix.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chunked HTTP response body written from a worker thread, in 16 KiB chunks, with
 * back-pressure: when the connection's write queue is full the worker waits for it to drain,
 * so a slow client holds one worker rather than the whole result in memory. Gives up with an
 * IOException when the client goes away or stops reading for {@link #STALL_LIMIT_SECONDS}.
 */
final class ResponseStream extends OutputStream {
  private static final int CHUNK = 16 * 1024;
  private static final long STALL_LIMIT_SECONDS = 60;

  private final HttpServerResponse response;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition writable = lock.newCondition();
  private volatile boolean closed;
  private byte[] buffer = new byte[CHUNK];
  private int count;

  ResponseStream(HttpServerResponse response, String contentType) {
    this.response = response;
    response.setChunked(true).putHeader("Content-Type", contentType);
    response.drainHandler(v -> signal());
    response.closeHandler(v -> {
      closed = true;
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

  @Override
  public void flush() throws IOException {
    if (count == 0) {
      return;
    }
    awaitWritable();
    response.write(Buffer.buffer(java.util.Arrays.copyOf(buffer, count)));
    count = 0;
  }

  private void awaitWritable() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STALL_LIMIT_SECONDS);
    lock.lock();
    try {
      while (!closed && response.writeQueueFull()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException("client stopped reading the response");
        }
        writable.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while streaming the response", e);
    } finally {
      lock.unlock();
    }
    if (closed) {
      throw new IOException("client closed the connection");
    }
  }

  /** Flushes what is buffered and ends the response. */
  @Override
  public void close() throws IOException {
    flush();
    response.end();
    buffer = null;
  }
}
