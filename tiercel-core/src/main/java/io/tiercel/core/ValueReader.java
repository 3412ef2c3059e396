package io.tiercel.core;

/** Reads a stored value in place; see {@link Cache#read}. */
@FunctionalInterface
public interface ValueReader<R> {

  /**
   * Returns what to hand back for the value in {@code array[offset, offset + length)}, which
   * expires at {@code expireAtMillis} or never ({@link Cache#NO_EXPIRY}).
   */
  R read(byte[] array, int offset, int length, long expireAtMillis);

  /**
   * Undoes what the last {@link #read} did: the value was overwritten in place while it was
   * read, so it may have seen part of each; {@code read} is then called again. A reader that
   * only returns what it computed has nothing to undo; one that wrote the bytes somewhere takes
   * them back.
   */
  default void discard() {}
}
