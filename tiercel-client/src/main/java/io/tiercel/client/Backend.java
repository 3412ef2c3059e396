package io.tiercel.client;

/**
 * Where a handle's calls go: the in-process store when this process serves the cache, the
 * serving process's socket otherwise. Expiries are absolute (epoch ms, {@code -1} for none), so
 * a call repeated after a handover means exactly what it meant the first time.
 */
interface Backend extends AutoCloseable {
  /** Returns the value of {@code key}, or null. */
  byte[] get(byte[] key);

  /** Stores {@code value} under {@code key} until {@code expireAtMillis} ({@code -1}: never). */
  void set(byte[] key, byte[] value, long expireAtMillis);

  /** Removes {@code key} and returns the value it had, or null. */
  byte[] pop(byte[] key);

  /** Removes every entry. */
  void purge();

  /** Returns whether this backend is the in-process store. */
  boolean serving();

  @Override
  void close();
}
