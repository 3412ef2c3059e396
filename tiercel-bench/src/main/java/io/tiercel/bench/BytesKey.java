package io.tiercel.bench;

import java.util.Arrays;

/**
 * A byte-array key for Caffeine, which needs {@code equals} and {@code hashCode}: the hash is
 * computed once, as a server would when it wraps the bytes of a parsed command.
 *
 * <p>The hash is FNV-1a over 64 bits, folded: {@link Arrays#hashCode(byte[])} gives keys that
 * differ only in their last bytes (counters, ids) so few distinct values that a hash table fills
 * with tree bins, which would charge Caffeine for a weak hash rather than for its design.
 */
public final class BytesKey {
  private final byte[] bytes;
  private final int hash;

  /** Wraps {@code bytes}, which must not change afterwards. */
  public BytesKey(byte[] bytes) {
    this.bytes = bytes;
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    this.hash = (int) (h ^ (h >>> 32));
  }

  /** Returns the wrapped bytes. */
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BytesKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
