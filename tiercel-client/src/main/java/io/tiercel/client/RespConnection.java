package io.tiercel.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tiercel.protocol.resp.RespWriter;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One RESP2 connection to the serving process over its UNIX socket, used by one thread at a time:
 * a request is written, then its reply read, with a deadline on both.
 *
 * <p>Requests are arrays of bulk strings encoded by {@link RespWriter} into a heap buffer this
 * class owns and releases. Replies are read into a growing byte array and parsed once complete;
 * only the reply types the embedded commands produce are accepted (simple string, error,
 * integer, bulk string), anything else is a protocol error that closes the connection. The
 * channel is non-blocking under a private selector, so a serving process that stops answering
 * without dying fails the call at the deadline instead of hanging it.
 */
final class RespConnection implements AutoCloseable {
  /** The reply to a request that got {@code -ERR ...}: its text. */
  record ErrorReply(String message) {}

  private static final long MAX_BULK = 512L << 20;
  private static final Object INCOMPLETE = new Object();

  private final SocketChannel channel;
  private final Selector selector;
  private final long timeoutNanos;
  private byte[] in = new byte[8 << 10];
  private int start;
  private int end;
  private boolean broken;

  private RespConnection(SocketChannel channel, Selector selector, long timeoutNanos) {
    this.channel = channel;
    this.selector = selector;
    this.timeoutNanos = timeoutNanos;
  }

  /**
   * Connects to {@code socket}.
   *
   * @throws ConnectionLostException (not sent) if nothing listens there
   */
  static RespConnection open(Path socket, long timeoutMillis) {
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
      ch.configureBlocking(false);
      Selector selector = Selector.open();
      return new RespConnection(ch, selector, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new ConnectionLostException("cannot connect to " + socket + ": " + e, false, e);
    }
  }

  /** Returns whether an I/O or protocol error made this connection unusable. */
  boolean broken() {
    return broken;
  }

  /**
   * Sends the command made of {@code parts} and returns its reply: a {@code byte[]} for a bulk
   * or simple string, a {@code Long}, an {@link ErrorReply}, or null for a null bulk.
   *
   * @throws ConnectionLostException if the connection fails or the deadline passes
   */
  Object call(byte[]... parts) {
    if (broken) {
      throw new ConnectionLostException("connection already failed", false, null);
    }
    long deadline = System.nanoTime() + timeoutNanos;
    write(encode(parts), deadline);
    try {
      Object reply;
      while ((reply = parse()) == INCOMPLETE) {
        fill(deadline);
      }
      return reply;
    } catch (IOException | RuntimeException e) {
      broken = true;
      throw e instanceof ConnectionLostException c ? c
          : new ConnectionLostException("connection lost awaiting the reply: " + e, true, e);
    }
  }

  private static ByteBuffer encode(byte[]... parts) {
    int size = 16;
    for (byte[] p : parts) {
      size += 16 + p.length;
    }
    ByteBuf out = Unpooled.buffer(size);
    try {
      RespWriter.arrayHeader(out, parts.length);
      for (byte[] p : parts) {
        RespWriter.bulk(out, p);
      }
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      return ByteBuffer.wrap(bytes);
    } finally {
      out.release();
    }
  }

  /** Writes all of {@code buf}; a failure part-way counts as sent (the server may act on it). */
  private void write(ByteBuffer buf, long deadline) {
    boolean any = false;
    try {
      while (buf.hasRemaining()) {
        if (channel.write(buf) > 0) {
          any = true;
        } else {
          await(SelectionKey.OP_WRITE, deadline);
        }
      }
    } catch (IOException | RuntimeException e) {
      broken = true;
      throw new ConnectionLostException("connection lost sending: " + e, any, e);
    }
  }

  private void fill(long deadline) throws IOException {
    if (start > 0 && start == end) {
      start = 0;
      end = 0;
    }
    if (end == in.length) {
      if (start > 0) {
        System.arraycopy(in, start, in, 0, end - start);
        end -= start;
        start = 0;
      } else {
        in = Arrays.copyOf(in, in.length * 2);
      }
    }
    while (true) {
      int n = channel.read(ByteBuffer.wrap(in, end, in.length - end));
      if (n < 0) {
        throw new ConnectionLostException("the serving process closed the connection", true, null);
      }
      if (n > 0) {
        end += n;
        return;
      }
      await(SelectionKey.OP_READ, deadline);
    }
  }

  private void await(int op, long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new ConnectionLostException("no reply within "
          + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", true, null);
    }
    SelectionKey key = channel.register(selector, op);
    try {
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    } finally {
      key.interestOps(0);
      selector.selectedKeys().clear();
    }
  }

  /** Parses one reply from the buffer, or returns {@link #INCOMPLETE}. */
  private Object parse() {
    int eol = lineEnd(start + 1);
    if (eol < 0) {
      return INCOMPLETE;
    }
    byte type = in[start];
    switch (type) {
      case '+' -> {
        byte[] text = Arrays.copyOfRange(in, start + 1, eol);
        start = eol + 2;
        return text;
      }
      case '-' -> {
        String text = new String(in, start + 1, eol - start - 1, StandardCharsets.UTF_8);
        start = eol + 2;
        return new ErrorReply(text);
      }
      case ':' -> {
        long n = number(start + 1, eol);
        start = eol + 2;
        return n;
      }
      case '$' -> {
        long len = number(start + 1, eol);
        if (len < 0) {
          start = eol + 2;
          return null;
        }
        if (len > MAX_BULK) {
          throw new IllegalStateException(
              "bulk length " + len + " (expected: <= " + MAX_BULK + ")");
        }
        long need = eol + 2 + len + 2;
        if (need > end) {
          if (need - start > in.length) {
            byte[] bigger = new byte[(int) (need - start)];
            System.arraycopy(in, start, bigger, 0, end - start);
            end -= start;
            start = 0;
            in = bigger;
          }
          return INCOMPLETE;
        }
        byte[] value = Arrays.copyOfRange(in, eol + 2, eol + 2 + (int) len);
        start = (int) need;
        return value;
      }
      default -> throw new IllegalStateException("unexpected reply type '" + (char) type + "'");
    }
  }

  private int lineEnd(int from) {
    for (int i = from; i + 1 < end; i++) {
      if (in[i] == '\r' && in[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private long number(int from, int to) {
    boolean negative = from < to && in[from] == '-';
    long n = 0;
    int i = negative ? from + 1 : from;
    if (i == to) {
      throw new IllegalStateException("empty number in reply");
    }
    for (; i < to; i++) {
      byte b = in[i];
      if (b < '0' || b > '9' || n > Integer.MAX_VALUE * 1024L) {
        throw new IllegalStateException("bad number in reply");
      }
      n = n * 10 + (b - '0');
    }
    return negative ? -n : n;
  }

  @Override
  public void close() {
    broken = true;
    try {
      selector.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }
}
