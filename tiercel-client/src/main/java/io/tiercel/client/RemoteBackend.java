package io.tiercel.client;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A non-serving process's side: RESP calls to the serving process over the cache's UNIX socket,
 * each on a connection borrowed from a small pool, so threads call in parallel up to
 * {@link EmbeddedOptions#maxConnections()} at once and wait for a free connection beyond that.
 *
 * <p>A new connection authenticates with the cache's secret and selects the cache by name; a
 * connection that failed is closed, and so is every idle one (they were to the same, now gone,
 * process). Errors come back as {@link ConnectionLostException}, which the handle retries or
 * reports; an {@code -ERR} answer to a call is a {@link CacheErrorException}.
 */
final class RemoteBackend implements Backend {
  private static final byte[] GET = ascii("GET");
  private static final byte[] SET = ascii("SET");
  private static final byte[] PXAT = ascii("PXAT");
  private static final byte[] GETDEL = ascii("GETDEL");
  private static final byte[] FLUSHDB = ascii("FLUSHDB");

  private final CacheDirectory dir;
  private final long timeoutMillis;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<RespConnection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  RemoteBackend(CacheDirectory dir, EmbeddedOptions options) {
    this.dir = dir;
    this.timeoutMillis = options.handoverTimeout().toMillis();
    this.permits = new Semaphore(options.maxConnections());
  }

  @Override
  public byte[] get(byte[] key) {
    return (byte[]) call(GET, key);
  }

  @Override
  public void set(byte[] key, byte[] value, long expireAtMillis) {
    if (expireAtMillis < 0) {
      call(SET, key, value);
    } else {
      call(SET, key, value, PXAT, ascii(Long.toString(expireAtMillis)));
    }
  }

  @Override
  public byte[] pop(byte[] key) {
    return (byte[]) call(GETDEL, key);
  }

  @Override
  public void purge() {
    call(FLUSHDB);
  }

  @Override
  public boolean serving() {
    return false;
  }

  private Object call(byte[]... parts) {
    RespConnection c = borrow();
    boolean ok = false;
    try {
      Object reply = c.call(parts);
      ok = true;
      if (reply instanceof RespConnection.ErrorReply e) {
        throw new CacheErrorException(e.message());
      }
      return reply;
    } finally {
      giveBack(c, ok);
    }
  }

  private RespConnection borrow() {
    try {
      if (!permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
        throw new CacheUnavailableException("no free connection to the serving process within "
            + timeoutMillis + " ms", false, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheUnavailableException("interrupted waiting for a connection", false, e);
    }
    RespConnection c = idle.pollFirst();
    if (c != null) {
      return c;
    }
    try {
      return connect();
    } catch (RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  /** Opens, authenticates and selects; any refusal is "not serving yet" to the caller. */
  private RespConnection connect() {
    RespConnection c = RespConnection.open(dir.socket(), timeoutMillis);
    try {
      expectOk(c.call(ascii("AUTH"), ascii(dir.secret())), "AUTH");
      expectOk(c.call(ascii("SELECT"), dir.name().getBytes(StandardCharsets.UTF_8)), "SELECT");
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e instanceof ConnectionLostException lost
          ? new ConnectionLostException(lost.getMessage(), false, lost) : e;
    }
  }

  private static void expectOk(Object reply, String what) {
    if (reply instanceof RespConnection.ErrorReply e) {
      // The cache is created right after the socket is bound: a SELECT that comes in between
      // fails, and is retried like a refused connection.
      throw new ConnectionLostException(what + " refused: " + e.message(), false, null);
    }
  }

  private void giveBack(RespConnection c, boolean ok) {
    try {
      if (ok && !c.broken() && !closed) {
        idle.addFirst(c);
      } else {
        c.close();
        if (!ok) {
          for (RespConnection other; (other = idle.pollFirst()) != null; ) {
            other.close();
          }
        }
      }
    } finally {
      permits.release();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    closed = true;
    for (RespConnection c; (c = idle.pollFirst()) != null; ) {
      c.close();
    }
  }
}
