package io.tiercel.agent.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One synced change as it travels between agents (the payload of {@code SYNCHUB PUBLISH}): a
 * SET (value and absolute expiry) or a DEL (a tombstone), with the write's {@link Stamp} and the
 * origin's send time in epoch microseconds (the receiver's lag clock; agents share a host's or an
 * NTP-synced clock).
 *
 * <p>Wire layout, big-endian: kind (1 byte: 1 set, 2 del), version (8), origin (8), sentMicros
 * (8), expireAt (8), cache-name length (2) and bytes, key length (4) and bytes, value length (4)
 * and bytes.
 */
public record SyncMessage(boolean delete, Stamp stamp, long sentMicros, long expireAt,
    String cache, byte[] key, byte[] value) {
  private static final byte SET = 1;
  private static final byte DEL = 2;
  private static final int FIXED = 1 + 8 * 4 + 2 + 4 + 4;
  /** The value of a tombstone. */
  static final byte[] NO_VALUE = new byte[0];
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle SHORTS =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

  /** Returns the message's bytes. */
  public byte[] encode() {
    byte[] v = value == null ? NO_VALUE : value;
    return encode(delete, stamp, sentMicros, expireAt, cache.getBytes(StandardCharsets.UTF_8), key,
        v, 0, v.length);
  }

  /**
   * Returns the bytes of the message with these fields, whose value is {@code value[valueOffset,
   * valueOffset + valueLength)} and whose cache's name is {@code cacheName} in UTF-8: what
   * {@link #encode()} gives, written straight into one array, so a value read in place from a
   * store is copied once.
   */
  public static byte[] encode(boolean delete, Stamp stamp, long sentMicros, long expireAt,
      byte[] cacheName, byte[] key, byte[] value, int valueOffset, int valueLength) {
    byte[] b = new byte[FIXED + cacheName.length + key.length + valueLength];
    b[0] = delete ? DEL : SET;
    LONGS.set(b, 1, stamp.version());
    LONGS.set(b, 9, stamp.origin());
    LONGS.set(b, 17, sentMicros);
    LONGS.set(b, 25, expireAt);
    SHORTS.set(b, 33, (short) cacheName.length);
    int at = 35;
    System.arraycopy(cacheName, 0, b, at, cacheName.length);
    at += cacheName.length;
    INTS.set(b, at, key.length);
    at += 4;
    System.arraycopy(key, 0, b, at, key.length);
    at += key.length;
    INTS.set(b, at, valueLength);
    System.arraycopy(value, valueOffset, b, at + 4, valueLength);
    return b;
  }

  /**
   * Returns the origin of an encoded message without parsing the rest, or -1 if it is too short:
   * an agent skips its own messages, which the hub sends back to it, this way.
   */
  public static long originOf(byte[] bytes) {
    return originOf(bytes, 0, bytes.length);
  }

  /** Returns the origin of the message in {@code bytes[offset, offset + length)}, or -1. */
  public static long originOf(byte[] bytes, int offset, int length) {
    return length < 17 ? -1 : ByteBuffer.wrap(bytes, offset + 9, 8).getLong();
  }

  /**
   * Parses a message.
   *
   * @throws IllegalArgumentException if the bytes are not a sync message
   */
  public static SyncMessage decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Parses the message in {@code bytes[offset, offset + length)}.
   *
   * @throws IllegalArgumentException if the bytes are not a sync message
   */
  public static SyncMessage decode(byte[] bytes, int offset, int length) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
      byte kind = b.get();
      if (kind != SET && kind != DEL) {
        throw new IllegalArgumentException("unknown sync message kind " + kind);
      }
      Stamp stamp = new Stamp(b.getLong(), b.getLong());
      long sent = b.getLong();
      long expireAt = b.getLong();
      byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
      b.get(name);
      byte[] key = new byte[b.getInt()];
      b.get(key);
      byte[] value = new byte[b.getInt()];
      b.get(value);
      if (b.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes in sync message");
      }
      return new SyncMessage(kind == DEL, stamp, sent, expireAt,
          new String(name, StandardCharsets.UTF_8), key, kind == DEL ? null : value);
    } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
      throw new IllegalArgumentException("truncated sync message", e);
    }
  }
}
