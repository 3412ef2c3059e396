package io.tiercel.core.backing;

import io.tiercel.core.ByteKey;
import java.util.Collection;
import java.util.Map;

/**
 * The system of record behind a cache: a map of byte keys to byte values that outlives the node.
 *
 * <p>Implementations block (they talk to a database), are safe for concurrent use by several
 * threads, and report every failure as a {@link BackingStoreException}. The bulk methods may split
 * their work into several statements but must apply each key's change at most once. Callers never
 * pass the same key twice in one bulk call.
 */
public interface BackingStore extends AutoCloseable {

  /** Returns the stored value of {@code key}, or null if the store has none. */
  byte[] load(byte[] key);

  /** Returns the stored values of those {@code keys} the store has; absent keys are left out. */
  Map<ByteKey, byte[]> loadAll(Collection<ByteKey> keys);

  /** Stores {@code value} under {@code key}, replacing any value. */
  void store(byte[] key, byte[] value);

  /** Stores every entry of {@code entries}, replacing existing values. */
  void storeAll(Map<ByteKey, byte[]> entries);

  /** Deletes {@code key}; deleting an absent key is not an error. */
  void delete(byte[] key);

  /** Deletes every key of {@code keys}. */
  void deleteAll(Collection<ByteKey> keys);

  /** Returns how many statements (or round trips) the store has sent so far; for benchmarks. */
  default long statements() {
    return 0;
  }

  /** Returns a short description for INFO, with no credentials in it. */
  default String describe() {
    return getClass().getSimpleName();
  }

  /** Releases connections; the store is unusable afterwards. */
  @Override
  void close();
}
