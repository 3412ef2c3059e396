package io.tiercel.protocol.resp;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * A streaming decoder of client commands: RESP arrays of bulk strings and inline commands, as
 * Redis reads them.
 *
 * <p>It is an explicit state machine that resumes where the last call stopped, so a frame split
 * at any byte costs no re-scan. The reader index of the input stays at the start of the command
 * being decoded until the command is whole; all positions are kept relative to it, so the caller
 * may compact or reallocate its cumulation buffer between calls.
 *
 * <p>Ownership: the decoder never retains or releases the buffer; the caller (the connection's
 * handler) owns its cumulation buffer. Whole commands are handed to the {@link CommandSink} as
 * slices of that buffer, valid only during the call; see {@link RespArgs}.
 *
 * <p>Errors reset the decoder, then throw {@link RespProtocolException} with Redis's text.
 */
public final class RespDecoder {

  /** Receives each whole command while its arguments are valid. */
  @FunctionalInterface
  public interface CommandSink {
    /** Handles one command; returns false to stop decoding after it (QUIT, closing). */
    boolean onCommand(RespArgs args);
  }

  /** Receives the first argument of each command {@link #lookahead} finds. */
  @FunctionalInterface
  public interface KeySink {
    /** Takes the first argument after a command's name: {@code length} bytes at {@code index}. */
    void onKey(ByteBuf in, int index, int length);
  }

  private enum State {
    /** At the first byte of a command. */
    START,
    /** After {@code *}, reading the argument count line. */
    MULTIBULK_COUNT,
    /** At a {@code $} line of the next argument. */
    BULK_LENGTH,
    /** Reading {@code bulkLength} bytes and CRLF. */
    BULK_BODY,
    /** Reading an inline command up to LF. */
    INLINE
  }

  private final RespLimits limits;
  private final RespArgs args = new RespArgs();
  /** The commands {@link #lookahead} reads; apart from {@link #args}, which a sink may be using. */
  private final RespArgs ahead = new RespArgs();
  private State state = State.START;
  /** The read position relative to the command's start. */
  private int scan;
  /** The arguments the current multibulk announced. */
  private int expected;
  /** The length of the bulk string being read. */
  private int bulkLength;
  private boolean authenticated = true;
  /** Where the CRLF after the last {@link #smallNumber} ends. */
  private int numberEnd;

  /** Creates a decoder enforcing {@code limits}. */
  public RespDecoder(RespLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Returns the limits this decoder enforces. */
  public RespLimits limits() {
    return limits;
  }

  /** Sets whether the client has authenticated; until it has, Redis's tighter limits apply. */
  public void setAuthenticated(boolean authenticated) {
    this.authenticated = authenticated;
  }

  /** Returns whether a command has been partly read. */
  public boolean inCommand() {
    return state != State.START;
  }

  /**
   * Decodes every whole command readable in {@code in}, handing each to {@code sink}, and leaves
   * the reader index at the first byte not consumed; stops early when the sink returns false.
   *
   * @return false if the sink asked to stop, else true
   * @throws RespProtocolException if the input is malformed or over a limit; the decoder is reset
   */
  public boolean decode(ByteBuf in, CommandSink sink) {
    try {
      while (in.isReadable()) {
        int start = in.readerIndex();
        int consumed = state == State.START && in.getByte(start) == '*'
            ? decodeWhole(in, start, in.writerIndex(), args) : -1;
        if (consumed < 0) {
          if (!decodeOne(in, start)) {
            if (in.readableBytes() > limits.maxQueryBuffer()) {
              throw new RespProtocolException("query buffer length exceeds the client limit");
            }
            return true;
          }
          consumed = scan;
          reset();
        }
        if (args.count() == 0) {
          in.readerIndex(start + consumed);
          continue;
        }
        // Consume first so a sink that throws never sees the same command twice.
        in.readerIndex(start + consumed);
        boolean more;
        try {
          more = sink.onCommand(args);
        } finally {
          args.clear();
        }
        if (!more) {
          return false;
        }
      }
      return true;
    } catch (RespProtocolException e) {
      reset();
      args.clear();
      throw e;
    }
  }

  /**
   * Finds up to {@code max} whole commands at the head of {@code in} in the common shape (read
   * by {@link #decodeWhole}, the decoder's own fast path) and hands the first argument after each
   * one's name to {@code sink}: the key, for most commands, so a cache can load what they will
   * touch before they run. Stops at the first command that is partial, of another shape or over a limit;
   * consumes nothing and leaves the decoder as it was. Returns how many commands it found.
   */
  public int lookahead(ByteBuf in, int max, KeySink sink) {
    if (!authenticated) {
      return 0;
    }
    int end = in.writerIndex();
    int p = in.readerIndex();
    int found = 0;
    try {
      while (found < max && p < end && in.getByte(p) == '*') {
        int consumed = decodeWhole(in, p, end, ahead);
        if (consumed < 0) {
          break;
        }
        if (ahead.count() > 1) {
          sink.onKey(in, ahead.index(1), ahead.length(1));
        }
        found++;
        p += consumed;
      }
    } finally {
      ahead.clear();
    }
    return found;
  }

  /** Returns the decoder to the start of a command. */
  public void reset() {
    state = State.START;
    scan = 0;
    expected = 0;
    bulkLength = 0;
  }

  /**
   * The fast path for the common shape: a whole multibulk whose count and lengths are short
   * canonical numbers within the limits, read in one pass without the state machine's
   * bookkeeping or a search for each CR. Returns the bytes of the command, with its arguments in
   * {@code into}, or -1 when anything is unusual (split, malformed, over a limit, empty): the
   * state machine then reads the same bytes from the start and gives Redis's exact answer.
   */
  private int decodeWhole(ByteBuf in, int start, int end, RespArgs into) {
    int count = smallNumber(in, start + 1, end);
    if (count <= 0 || count > limits.maxMultibulkLength()
        || (!authenticated && count > RespLimits.UNAUTHENTICATED_MAX_MULTIBULK_LENGTH)) {
      return -1;
    }
    into.reset(in, start);
    int p = numberEnd;
    for (int i = 0; i < count; i++) {
      if (p >= end || in.getByte(p) != '$') {
        return -1;
      }
      int length = smallNumber(in, p + 1, end);
      if (length < 0 || length > limits.maxBulkLength()
          || (!authenticated && length > RespLimits.UNAUTHENTICATED_MAX_BULK_LENGTH)) {
        return -1;
      }
      int body = numberEnd;
      if ((long) body + length + 2 > end
          || in.getByte(body + length) != '\r' || in.getByte(body + length + 1) != '\n') {
        return -1;
      }
      into.add(body - start, length);
      p = body + length + 2;
    }
    return p - start;
  }

  /**
   * Reads a canonical non-negative number of at most 9 digits at {@code p} followed by CRLF,
   * before {@code end}; returns it and sets {@link #numberEnd}, or returns -1.
   */
  private int smallNumber(ByteBuf in, int p, int end) {
    if (p >= end) {
      return -1;
    }
    int value = in.getByte(p) - '0';
    if (value < 0 || value > 9) {
      return -1;
    }
    p++;
    if (value != 0) {
      for (int digits = 1; p < end && digits < 9; digits++) {
        int d = in.getByte(p) - '0';
        if (d < 0 || d > 9) {
          break;
        }
        value = value * 10 + d;
        p++;
      }
    }
    if (p + 1 >= end || in.getByte(p) != '\r' || in.getByte(p + 1) != '\n') {
      return -1;
    }
    numberEnd = p + 2;
    return value;
  }

  /** Advances the state machine; returns true when a whole command (maybe empty) was read. */
  private boolean decodeOne(ByteBuf in, int start) {
    int end = in.writerIndex();
    args.rebase(in, start);
    for (;;) {
      switch (state) {
        case START -> {
          args.reset(in, start);
          scan = 0;
          if (in.getByte(start) == '*') {
            scan = 1;
            state = State.MULTIBULK_COUNT;
          } else {
            state = State.INLINE;
          }
        }
        case MULTIBULK_COUNT -> {
          // *${count}\r\n <here>
          int cr = findCr(in, start + scan, end);
          if (cr < 0) {
            if (end - start - scan > limits.maxInlineLength()) {
              throw new RespProtocolException("too big mbulk count string");
            }
            return false;
          }
          if (cr + 1 >= end) {
            return false;
          }
          long count = parseLength(in, start + scan, cr);
          if (count == Long.MIN_VALUE
              || count > Integer.MAX_VALUE
              || in.getByte(cr + 1) != '\n') {
            throw new RespProtocolException("invalid multibulk length");
          }
          if (count > limits.maxMultibulkLength()) {
            throw new RespProtocolException("invalid multibulk length");
          }
          if (!authenticated && count > RespLimits.UNAUTHENTICATED_MAX_MULTIBULK_LENGTH) {
            throw new RespProtocolException("unauthenticated multibulk length");
          }
          scan = cr + 2 - start;
          if (count <= 0) {
            // Redis skips empty and null arrays without replying.
            return true;
          }
          expected = (int) count;
          state = State.BULK_LENGTH;
        }
        case BULK_LENGTH -> {
          int at = start + scan;
          if (at >= end) {
            return false;
          }
          byte marker = in.getByte(at);
          if (marker != '$') {
            throw new RespProtocolException("expected '$', got '" + printable(marker) + "'");
          }
          int cr = findCr(in, at + 1, end);
          if (cr < 0) {
            if (end - at > limits.maxInlineLength()) {
              throw new RespProtocolException("too big bulk count string");
            }
            return false;
          }
          if (cr + 1 >= end) {
            return false;
          }
          long length = parseLength(in, at + 1, cr);
          if (length < 0 || length > limits.maxBulkLength() || in.getByte(cr + 1) != '\n') {
            throw new RespProtocolException("invalid bulk length");
          }
          if (!authenticated && length > RespLimits.UNAUTHENTICATED_MAX_BULK_LENGTH) {
            throw new RespProtocolException("unauthenticated bulk length");
          }
          bulkLength = (int) length;
          scan = cr + 2 - start;
          state = State.BULK_BODY;
        }
        case BULK_BODY -> {
          // $${length}\r\n <here> {data...}\r\n
          long need = (long) start + scan + bulkLength + 2;
          if (need > end) {
            return false;
          }
          int crlf = start + scan + bulkLength;
          if (in.getByte(crlf) != '\r' || in.getByte(crlf + 1) != '\n') {
            throw new RespProtocolException("expected CRLF after bulk data");
          }
          args.add(scan, bulkLength);
          scan += bulkLength + 2;
          if (args.count() == expected) {
            return true;
          }
          state = State.BULK_LENGTH;
        }
        case INLINE -> {
          int lf = in.indexOf(start + scan, end, (byte) '\n');
          if (lf < 0) {
            if (end - start > limits.maxInlineLength()) {
              throw new RespProtocolException("too big inline request");
            }
            scan = end - start;
            return false;
          }
          int lineEnd = (lf > start && in.getByte(lf - 1) == '\r') ? lf - 1 : lf;
          splitInline(in, start, lineEnd);
          scan = lf + 1 - start;
          return true;
        }
        default -> throw new AssertionError(state);
      }
    }
  }

  /**
   * Splits an inline line into arguments as Redis {@code sdssplitargs} does, unescaping quoted
   * arguments in place (the result is never longer than its source).
   */
  private void splitInline(ByteBuf in, int start, int lineEnd) {
    int p = start;
    for (;;) {
      while (p < lineEnd && isSpace(in.getByte(p))) {
        p++;
      }
      if (p >= lineEnd) {
        return;
      }
      if (args.count() >= limits.maxMultibulkLength()) {
        throw new RespProtocolException("invalid multibulk length");
      }
      int argStart = p;
      int w = p;
      boolean inDouble = false;
      boolean inSingle = false;
      for (;;) {
        if (inDouble) {
          if (p >= lineEnd) {
            throw new RespProtocolException("unbalanced quotes in request");
          }
          byte c = in.getByte(p);
          if (c == '\\' && p + 3 < lineEnd && in.getByte(p + 1) == 'x'
              && hex(in.getByte(p + 2)) >= 0 && hex(in.getByte(p + 3)) >= 0) {
            in.setByte(w++, hex(in.getByte(p + 2)) * 16 + hex(in.getByte(p + 3)));
            p += 4;
          } else if (c == '\\' && p + 1 < lineEnd) {
            byte e = in.getByte(p + 1);
            in.setByte(w++, switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> e;
            });
            p += 2;
          } else if (c == '"') {
            if (p + 1 < lineEnd && !isSpace(in.getByte(p + 1))) {
              throw new RespProtocolException("unbalanced quotes in request");
            }
            p++;
            break;
          } else {
            in.setByte(w++, c);
            p++;
          }
        } else if (inSingle) {
          if (p >= lineEnd) {
            throw new RespProtocolException("unbalanced quotes in request");
          }
          byte c = in.getByte(p);
          if (c == '\\' && p + 1 < lineEnd && in.getByte(p + 1) == '\'') {
            in.setByte(w++, '\'');
            p += 2;
          } else if (c == '\'') {
            if (p + 1 < lineEnd && !isSpace(in.getByte(p + 1))) {
              throw new RespProtocolException("unbalanced quotes in request");
            }
            p++;
            break;
          } else {
            in.setByte(w++, c);
            p++;
          }
        } else {
          if (p >= lineEnd) {
            break;
          }
          byte c = in.getByte(p);
          if (isSpace(c)) {
            break;
          } else if (c == '"') {
            inDouble = true;
          } else if (c == '\'') {
            inSingle = true;
          } else {
            in.setByte(w++, c);
          }
          p++;
        }
      }
      args.add(argStart - start, w - argStart);
    }
  }

  /** Returns the index of the first CR in {@code [from, to)}, or -1. */
  private static int findCr(ByteBuf in, int from, int to) {
    return from >= to ? -1 : in.indexOf(from, to, (byte) '\r');
  }

  /**
   * Parses a length in Redis's strict integer syntax from {@code [from, to)}; returns
   * Long.MIN_VALUE when it is not one.
   */
  private static long parseLength(ByteBuf in, int from, int to) {
    int len = to - from;
    if (len <= 0 || len > 20) {
      return Long.MIN_VALUE;
    }
    int p = from;
    boolean negative = in.getByte(p) == '-';
    if (negative) {
      p++;
      if (p == to) {
        return Long.MIN_VALUE;
      }
    }
    if (in.getByte(p) == '0') {
      return (p + 1 == to && !negative) ? 0 : Long.MIN_VALUE;
    }
    long value = 0;
    for (; p < to; p++) {
      int d = in.getByte(p) - '0';
      if (d < 0 || d > 9 || value > (Long.MAX_VALUE - d) / 10) {
        return Long.MIN_VALUE;
      }
      value = value * 10 + d;
    }
    return negative ? -value : value;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f' || b == 0;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  private static String printable(byte b) {
    return (b >= 0x20 && b < 0x7f) ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
  }
}
