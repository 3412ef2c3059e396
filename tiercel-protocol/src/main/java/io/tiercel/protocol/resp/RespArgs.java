package io.tiercel.protocol.resp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The arguments of one decoded command, as offset/length slices of the decoder's input buffer.
 *
 * <p>Ownership: the slices borrow the buffer passed to {@link RespDecoder#decode}; they are valid
 * only during {@link RespDecoder.CommandSink#onCommand} and must be copied ({@link #bytes}) to be
 * kept. One instance is reused for every command of a connection, so parsing allocates nothing but
 * growth of the slice arrays for commands with more arguments than any before.
 */
public final class RespArgs {
  private static final int INITIAL_CAPACITY = 16;

  private ByteBuf buf;
  private int base;
  private int count;
  private int[] offsets = new int[INITIAL_CAPACITY];
  private int[] lengths = new int[INITIAL_CAPACITY];

  /** Creates an empty view. */
  public RespArgs() {}

  /** Points the view at {@code buf}; offsets added later are relative to {@code base}. */
  void reset(ByteBuf buf, int base) {
    this.buf = buf;
    this.base = base;
    this.count = 0;
  }

  /** Forgets the buffer so a stale view cannot read it. */
  void clear() {
    this.buf = null;
    this.count = 0;
  }

  /** Moves the base after the buffer was compacted or replaced; offsets stay relative. */
  void rebase(ByteBuf buf, int base) {
    this.buf = buf;
    this.base = base;
  }

  /** Appends an argument at {@code offset} (relative to the base) of {@code length} bytes. */
  void add(int offset, int length) {
    if (count == offsets.length) {
      int capacity = count * 2;
      offsets = Arrays.copyOf(offsets, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
    }
    offsets[count] = offset;
    lengths[count] = length;
    count++;
  }

  /** Forgets the last argument (the agent strips the trailing {@code SYNC} flag this way). */
  public void dropLast() {
    if (count > 0) {
      count--;
    }
  }

  /**
   * Returns a copy of these arguments over a heap buffer of their own, valid after the decoder
   * moves on (for commands that finish off the event loop); the copy needs no release.
   */
  public RespArgs copy() {
    int total = 0;
    for (int i = 0; i < count; i++) {
      total += lengths[i];
    }
    byte[] bytes = new byte[total];
    RespArgs c = new RespArgs();
    c.reset(io.netty.buffer.Unpooled.wrappedBuffer(bytes), 0);
    int at = 0;
    for (int i = 0; i < count; i++) {
      buf.getBytes(index(i), bytes, at, lengths[i]);
      c.add(at, lengths[i]);
      at += lengths[i];
    }
    return c;
  }

  /** Returns the number of arguments, the command name included. */
  public int count() {
    return count;
  }

  /** Returns the buffer the arguments live in; borrowed, never to be released or kept. */
  public ByteBuf buffer() {
    return buf;
  }

  /** Returns the absolute index of argument {@code i} in {@link #buffer()}. */
  public int index(int i) {
    checkIndex(i);
    return base + offsets[i];
  }

  /** Returns the length in bytes of argument {@code i}. */
  public int length(int i) {
    checkIndex(i);
    return lengths[i];
  }

  /** Returns byte {@code j} of argument {@code i}. */
  public byte byteAt(int i, int j) {
    return buf.getByte(index(i) + j);
  }

  /** Returns a copy of argument {@code i} that the caller owns. */
  public byte[] bytes(int i) {
    byte[] b = new byte[length(i)];
    buf.getBytes(index(i), b);
    return b;
  }

  /** Copies argument {@code i} into {@code dst} at {@code dstIndex}. */
  public void copyTo(int i, byte[] dst, int dstIndex) {
    buf.getBytes(index(i), dst, dstIndex, length(i));
  }

  /** Returns argument {@code i} decoded as UTF-8; for names and messages, not for hot paths. */
  public String string(int i) {
    return buf.toString(index(i), length(i), StandardCharsets.UTF_8);
  }

  /** Returns whether argument {@code i} equals {@code ascii}, ignoring ASCII letter case. */
  public boolean equalsIgnoreCase(int i, String ascii) {
    int len = length(i);
    if (len != ascii.length()) {
      return false;
    }
    int at = index(i);
    for (int j = 0; j < len; j++) {
      if (toLower(buf.getByte(at + j)) != toLower((byte) ascii.charAt(j))) {
        return false;
      }
    }
    return true;
  }

  /** Returns whether argument {@code i} is a 64-bit integer in Redis's strict syntax. */
  public boolean isLong(int i) {
    return parse(i, true) == 0;
  }

  /**
   * Returns argument {@code i} as a 64-bit integer.
   *
   * @throws NumberFormatException if {@link #isLong} is false
   */
  public long longValue(int i) {
    if (!isLong(i)) {
      throw new NumberFormatException("not an integer: " + string(i));
    }
    return parse(i, false);
  }

  /**
   * Parses like Redis {@code string2ll}: optional {@code -}, no {@code +}, no leading zeros, no
   * spaces; when {@code check} returns 0 for valid and 1 for invalid, else the value.
   */
  private long parse(int i, boolean check) {
    int len = length(i);
    int at = index(i);
    if (len == 0 || len > 20) {
      return 1;
    }
    int p = 0;
    boolean negative = false;
    if (buf.getByte(at) == '-') {
      negative = true;
      p = 1;
      if (len == 1) {
        return 1;
      }
    }
    byte first = buf.getByte(at + p);
    if (first == '0') {
      return (len == 1) ? 0 : 1;
    }
    // Accumulate as a negative number so Long.MIN_VALUE fits.
    long value = 0;
    for (; p < len; p++) {
      int d = buf.getByte(at + p) - '0';
      if (d < 0 || d > 9) {
        return 1;
      }
      if (value < Long.MIN_VALUE / 10) {
        return 1;
      }
      value *= 10;
      if (value < Long.MIN_VALUE + d) {
        return 1;
      }
      value -= d;
    }
    if (!negative && value == Long.MIN_VALUE) {
      return 1;
    }
    if (check) {
      return 0;
    }
    return negative ? value : -value;
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("argument: " + i + " (expected: 0.." + (count - 1) + ")");
    }
  }

  /** Returns {@code b} with ASCII upper-case letters folded to lower case. */
  public static byte toLower(byte b) {
    return (b >= 'A' && b <= 'Z') ? (byte) (b | 0x20) : b;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RespArgs[");
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "" : ", ").append(buf == null ? "?" : string(i));
    }
    return sb.append(']').toString();
  }
}
