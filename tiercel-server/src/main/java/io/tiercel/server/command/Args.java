package io.tiercel.server.command;

import io.tiercel.core.Cache;
import io.tiercel.core.KeyBatch;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.ValueReader;
import io.tiercel.protocol.resp.RespArgs;
import java.nio.charset.StandardCharsets;

/** Argument parsing shared by the command families, failing with Redis's error texts. */
final class Args {
  private Args() {}

  /**
   * Stores key argument {@code key} with value argument {@code value}, without an expiry, as a
   * plain SET does. They are packed into the session's scratch array, so the cache can copy the
   * value over the key's current one when it has the same length and allocate nothing
   * ({@link Cache#putPacked(byte[], int, long)}); values too large for the scratch array are
   * packed into an array of their own, which the cache keeps.
   */
  static void putPacked(Session s, RespArgs a, int key, int value) {
    int keyLength = a.length(key);
    int valueLength = a.length(value);
    long length = (long) PackedKeyValue.valueOffset(keyLength) + valueLength;
    if (length > Session.SCRATCH_MAX) {
      s.cache.putPacked(packed(a, key, value), Cache.DEFAULT_TTL);
      return;
    }
    byte[] scratch = s.scratch();
    a.copyTo(value, scratch, packKey(a, key, scratch));
    s.cache.putPacked(scratch, (int) length, Cache.DEFAULT_TTL);
  }

  /**
   * Reads key argument {@code key} of the session's cache into {@code reader}, as {@link
   * Cache#read} does; the key is packed into the session's scratch array and looked up there
   * ({@link Cache#readPacked}), so a GET allocates nothing. A key too long for the array is
   * copied into one of its own.
   */
  static <R> R read(Session s, RespArgs a, int key, ValueReader<R> reader) {
    int keyLength = a.length(key);
    if (PackedKeyValue.valueOffset(keyLength) > Session.SCRATCH_MAX) {
      return s.cache.read(a.bytes(key), reader);
    }
    byte[] scratch = s.scratch();
    return s.cache.readPacked(scratch, packKey(a, key, scratch), reader);
  }

  /**
   * Writes key argument {@code key} with its {@link PackedKeyValue} header at the start of
   * {@code into}, which must hold it; returns where the key ends (and a value would start).
   */
  private static int packKey(RespArgs a, int key, byte[] into) {
    int keyLength = a.length(key);
    PackedKeyValue.writeHeader(into, keyLength);
    a.copyTo(key, into, PackedKeyValue.keyOffset(keyLength));
    return PackedKeyValue.valueOffset(keyLength);
  }

  /**
   * Returns key argument {@code key} and value argument {@code value} copied once, straight from
   * the request buffer, into a {@link PackedKeyValue} array for {@link Cache#putPacked}.
   */
  static byte[] packed(RespArgs a, int key, int value) {
    int keyLength = a.length(key);
    byte[] packed = PackedKeyValue.allocate(keyLength, a.length(value));
    a.copyTo(key, packed, PackedKeyValue.keyOffset(keyLength));
    a.copyTo(value, packed, PackedKeyValue.valueOffset(keyLength));
    return packed;
  }

  /**
   * Prefetches the keys at arguments {@code from}, {@code from + step}, ... before {@code to} (at
   * most {@link KeyBatch#CAPACITY}) in the session's cache, so that the lookups of a multi-key
   * command overlap their cache misses (see {@code PipelinePrefetch}); nothing for fewer than two.
   */
  static void prefetch(Session s, RespArgs a, int from, int to, int step) {
    if (to - from <= step) {
      return;
    }
    KeyBatch batch = s.keyBatch();
    batch.clear();
    for (int i = from; i < to && !batch.isFull(); i += step) {
      int offset = batch.appendKey(a.length(i));
      if (offset >= 0) {
        a.copyTo(i, batch.bytes(), offset);
      }
    }
    s.cache.prefetch(batch);
  }

  /** Returns argument {@code i} as an integer, or fails with Redis's integer error. */
  static long integer(RespArgs a, int i) {
    if (!a.isLong(i)) {
      throw CommandError.NOT_INTEGER;
    }
    return a.longValue(i);
  }

  /** Returns whether {@code b[off, off + len)} is an integer in Redis's strict syntax. */
  static boolean isLong(byte[] b, int off, int len) {
    if (len == 0 || len > 20) {
      return false;
    }
    int p = off;
    int end = off + len;
    if (b[p] == '-') {
      p++;
      if (p == end) {
        return false;
      }
    }
    if (b[p] == '0') {
      return len == 1;
    }
    long value = 0;
    for (; p < end; p++) {
      int d = b[p] - '0';
      if (d < 0 || d > 9) {
        return false;
      }
      if (value < Long.MIN_VALUE / 10) {
        return false;
      }
      value *= 10;
      if (value < Long.MIN_VALUE + d) {
        return false;
      }
      value -= d;
    }
    return b[off] == '-' || value != Long.MIN_VALUE;
  }

  /** Returns {@code b[off, off + len)} as a long; {@link #isLong} must hold. */
  static long toLong(byte[] b, int off, int len) {
    int p = off;
    int end = off + len;
    boolean negative = b[p] == '-';
    if (negative) {
      p++;
    }
    long value = 0;
    for (; p < end; p++) {
      value = value * 10 - (b[p] - '0');
    }
    return negative ? value : -value;
  }

  /** Returns the ASCII digits of {@code v}. */
  static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  /** Returns the ASCII bytes of {@code s}. */
  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Returns the expiry a write without one gets: the cache's default TTL, resolved by it. */
  static long defaultExpireAt(Node node, Cache cache) {
    return Cache.DEFAULT_TTL;
  }
}
