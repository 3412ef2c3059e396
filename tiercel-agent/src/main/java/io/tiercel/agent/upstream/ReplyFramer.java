package io.tiercel.agent.upstream;

import io.netty.buffer.ByteBuf;
import io.tiercel.protocol.resp.RespProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where one complete RESP2 reply ends in a buffer, and parses the small push arrays of
 * pub/sub; the agent relays replies as raw bytes, so it never builds a message tree for them.
 *
 * <p>Framing walks the reply without copying: simple strings, errors and integers end at CRLF,
 * bulk strings skip their declared length, arrays recurse into their elements (depth bounded).
 * An incomplete reply answers -1 and the caller waits for more bytes.
 */
public final class ReplyFramer {
  private static final int MAX_DEPTH = 32;
  private static final long MAX_BULK = 512L << 20;

  private ReplyFramer() {}

  /** Returns the index just past the reply starting at {@code from}, or -1 if incomplete. */
  public static int frameEnd(ByteBuf in, int from) {
    return frameEnd(in, from, 0);
  }

  private static int frameEnd(ByteBuf in, int from, int depth) {
    if (depth > MAX_DEPTH) {
      throw new RespProtocolException("reply nested deeper than " + MAX_DEPTH);
    }
    if (from >= in.writerIndex()) {
      return -1;
    }
    byte type = in.getByte(from);
    int eol = lineEnd(in, from + 1);
    if (eol < 0) {
      return -1;
    }
    switch (type) {
      case '+', '-', ':' -> {
        return eol + 2;
      }
      case '$' -> {
        long len = number(in, from + 1, eol);
        if (len < 0) {
          return eol + 2;
        }
        if (len > MAX_BULK) {
          throw new RespProtocolException("bulk length " + len + " (expected: <= " + MAX_BULK + ")");
        }
        long end = eol + 2 + len + 2;
        return end <= in.writerIndex() ? (int) end : -1;
      }
      case '*' -> {
        long count = number(in, from + 1, eol);
        int at = eol + 2;
        for (long i = 0; i < count; i++) {
          at = frameEnd(in, at, depth + 1);
          if (at < 0) {
            return -1;
          }
        }
        return at;
      }
      default -> throw new RespProtocolException(
          "unexpected reply type '" + (char) type + "' from the node");
    }
  }

  /** Returns the text of an error reply (after its {@code -}, trimmed), or null for any other. */
  public static String errorText(byte[] raw) {
    return raw == null ? null : errorText(raw, raw.length);
  }

  /** Returns {@link #errorText(byte[])} of the reply {@code raw[0, length)}. */
  public static String errorText(byte[] raw, int length) {
    if (length == 0 || raw[0] != '-') {
      return null;
    }
    return new String(raw, 1, length - 1, StandardCharsets.UTF_8).trim();
  }

  /**
   * Parses a complete reply into byte[] (bulk and simple strings), Long (integers), an
   * {@link ErrorReply} or a List of those; null for a null bulk or array.
   */
  public static Object parse(byte[] raw) {
    int[] at = {0};
    return parse(raw, at, 0);
  }

  private static Object parse(byte[] raw, int[] at, int depth) {
    if (depth > MAX_DEPTH) {
      throw new RespProtocolException("reply nested deeper than " + MAX_DEPTH);
    }
    byte type = raw[at[0]];
    int eol = at[0] + 1;
    while (raw[eol] != '\r') {
      eol++;
    }
    String line = new String(raw, at[0] + 1, eol - at[0] - 1, StandardCharsets.US_ASCII);
    at[0] = eol + 2;
    switch (type) {
      case '+' -> {
        return line.getBytes(StandardCharsets.UTF_8);
      }
      case '-' -> {
        return new ErrorReply(line);
      }
      case ':' -> {
        return Long.parseLong(line);
      }
      case '$' -> {
        int len = Integer.parseInt(line);
        if (len < 0) {
          return null;
        }
        byte[] b = new byte[len];
        System.arraycopy(raw, at[0], b, 0, len);
        at[0] += len + 2;
        return b;
      }
      case '*' -> {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(parse(raw, at, depth + 1));
        }
        return items;
      }
      default -> throw new RespProtocolException("unexpected reply type '" + (char) type + "'");
    }
  }

  private static int lineEnd(ByteBuf in, int from) {
    int cr = in.indexOf(from, in.writerIndex(), (byte) '\r');
    if (cr < 0 || cr + 1 >= in.writerIndex()) {
      return -1;
    }
    return cr;
  }

  private static long number(ByteBuf in, int from, int to) {
    if (from == to) {
      throw new RespProtocolException("empty length in reply");
    }
    boolean negative = in.getByte(from) == '-';
    long n = 0;
    for (int i = negative ? from + 1 : from; i < to; i++) {
      byte b = in.getByte(i);
      if (b < '0' || b > '9' || n > Integer.MAX_VALUE) {
        throw new RespProtocolException("bad length in reply");
      }
      n = n * 10 + (b - '0');
    }
    return negative ? -n : n;
  }

  /** An error reply from the node. */
  public record ErrorReply(String message) {}
}
