package io.tiercel.core.store;

import io.tiercel.core.eviction.PolicyNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * A fast 32-bit hash of key bytes for the slot tables, sketches and ghost lists.
 *
 * <p>Reads eight bytes at a time, multiplies and rotates (in the manner of wyhash/xxh3), and
 * finishes with MurmurHash3's 64-bit mixer, so every output bit depends on every input byte. The
 * hash has 30 bits, because an entry keeps it in one int with its policy queue id (see
 * {@link io.tiercel.core.eviction.PolicyNode}). It
 * is seeded per process: an attacker who cannot learn the seed cannot choose keys that collide
 * in one probe chain (Redis uses SipHash with a random key for the same reason).
 */
public final class KeyHash {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long SEED = new SecureRandom().nextLong();
  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xBF58476D1CE4E5B9L;

  private KeyHash() {}

  /** Returns the 30-bit hash of {@code key} (the top two bits are zero). */
  public static int hash(byte[] key) {
    int length = key.length;
    long h = SEED ^ (length * M1);
    int i = 0;
    for (; length - i >= 8; i += 8) {
      h = Long.rotateLeft((h ^ (long) LONGS.get(key, i)) * M1, 29) * M2;
    }
    if (length - i >= 4) {
      h = Long.rotateLeft((h ^ ((int) INTS.get(key, i) & 0xFFFF_FFFFL)) * M1, 29) * M2;
      i += 4;
    }
    for (; i < length; i++) {
      h = (h ^ (key[i] & 0xFF)) * M1;
    }
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return (int) h & PolicyNode.LOW_BITS;
  }
}
