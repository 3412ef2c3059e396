package io.tiercel.bench;

import java.util.Arrays;

/**
 * A byte-array key for Caffeine, which needs {@code equals} and {@code hashCode}: the hash is
 * computed once, as a server would when it wraps the bytes of a parsed command.
 */
public final class BytesKey {
  private final byte[] bytes;
  private final int hash;

  /** Wraps {@code bytes}, which must not change afterwards. */
  public BytesKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
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
