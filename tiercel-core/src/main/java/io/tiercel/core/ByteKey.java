package io.tiercel.core;

import java.util.Arrays;

/** A byte-array key with value equality, for maps of keys; the array must not change. */
public record ByteKey(byte[] bytes) {

  /** Wraps {@code bytes} without copying. */
  public static ByteKey of(byte[] bytes) {
    return new ByteKey(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
