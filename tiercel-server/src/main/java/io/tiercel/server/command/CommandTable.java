package io.tiercel.server.command;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Finds a {@link Command} by name without allocating: the name's bytes, case-folded, are packed
 * into two longs and looked up in an open-addressing table built once.
 */
final class CommandTable {
  private static final int MAX_NAME = 16;
  private static final int SIZE = 256;
  private static final long[] W0 = new long[SIZE];
  private static final long[] W1 = new long[SIZE];
  private static final int[] LENGTHS = new int[SIZE];
  private static final Command[] COMMANDS = new Command[SIZE];

  static {
    for (Command c : Command.values()) {
      byte[] name = c.name().getBytes(StandardCharsets.US_ASCII);
      long w0 = pack(name, 0);
      long w1 = pack(name, 8);
      int slot = slot(w0, w1, name.length);
      while (COMMANDS[slot] != null) {
        slot = (slot + 1) & (SIZE - 1);
      }
      W0[slot] = w0;
      W1[slot] = w1;
      LENGTHS[slot] = name.length;
      COMMANDS[slot] = c;
    }
  }

  private CommandTable() {}

  /** Returns the command named by {@code buf[index, index + length)}, any case, or null. */
  static Command lookup(ByteBuf buf, int index, int length) {
    if (length == 0 || length > MAX_NAME) {
      return null;
    }
    long w0 = 0;
    long w1 = 0;
    if (length <= 8 && index + 8 <= buf.writerIndex()) {
      // One read for the usual short name. Clearing bit 5 of every byte folds a-z to A-Z and
      // turns no other byte into a letter, so it matches exactly the names the loop below does.
      w0 = buf.getLongLE(index) & (-1L >>> (64 - 8 * length)) & ~0x2020202020202020L;
      return find(w0, 0, length);
    }
    for (int i = 0; i < length; i++) {
      long b = upper(buf.getByte(index + i)) & 0xFFL;
      if (i < 8) {
        w0 |= b << (i * 8);
      } else {
        w1 |= b << ((i - 8) * 8);
      }
    }
    return find(w0, w1, length);
  }

  private static Command find(long w0, long w1, int length) {
    int slot = slot(w0, w1, length);
    for (int probes = 0; probes < SIZE; probes++) {
      Command c = COMMANDS[slot];
      if (c == null) {
        return null;
      }
      if (W0[slot] == w0 && W1[slot] == w1 && LENGTHS[slot] == length) {
        return c;
      }
      slot = (slot + 1) & (SIZE - 1);
    }
    return null;
  }

  private static long pack(byte[] name, int from) {
    long w = 0;
    for (int i = from; i < Math.min(name.length, from + 8); i++) {
      w |= (upper(name[i]) & 0xFFL) << ((i - from) * 8);
    }
    return w;
  }

  private static byte upper(byte b) {
    return (b >= 'a' && b <= 'z') ? (byte) (b - 32) : b;
  }

  private static int slot(long w0, long w1, int length) {
    long h = (w0 * 0x9E3779B97F4A7C15L) ^ (w1 * 0xC2B2AE3D27D4EB4FL) ^ length;
    h ^= h >>> 29;
    return (int) (h & (SIZE - 1));
  }
}
