package io.tiercel.core;

/** Reads a stored value in place; see {@link Cache#read}. */
@FunctionalInterface
public interface ValueReader<R> {

  /**
   * Returns what to hand back for the value in {@code array[offset, offset + length)}, which
   * expires at {@code expireAtMillis} or never ({@link Cache#NO_EXPIRY}).
   */
  R read(byte[] array, int offset, int length, long expireAtMillis);
}
