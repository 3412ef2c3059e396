package io.tiercel.core.store;

import io.tiercel.core.KeySlot;
import io.tiercel.core.eviction.PolicyNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * A fast 30-bit hash of key bytes for the slot tables, sketches and ghost lists, computed in the
 * same pass as the key's cluster slot.
 *
 * <p><b>The hash.</b> Reads eight bytes at a time, multiplies and rotates (in the manner of
 * wyhash/xxh3), folds the last 0 to 7 bytes in as one more word, and finishes with MurmurHash3's
 * 64-bit mixer, so every output bit depends on every input byte. The hash has 30 bits, because
 * an entry keeps it in one int with its policy queue id (see {@link PolicyNode}). It is seeded per
 * process: an attacker who cannot learn the seed cannot choose keys that collide in one probe
 * chain (Redis uses SipHash with a random key for the same reason).
 *
 * <p><b>One pass for slot and hash.</b> Every lookup needs both the Redis cluster slot (CRC16 of
 * the key, or of its {@code {hashtag}}) and this hash. Computed apart, the key was read three
 * times: the hash-tag scan, the CRC and the hash, each with its own loop and tail. {@link #code}
 * reads each 8-byte word once and feeds it to all three: the CRC step of {@link KeySlot}, the
 * multiply-rotate step, and a test for a {@code '{'} byte. A key without {@code '{'} (nearly all)
 * has its slot from that CRC; a key with one falls back to {@link KeySlot#of}, whose hash-tag
 * rules decide the slot, so slots stay exactly Redis's. The slot cannot replace the hash: it has
 * 14 bits, is unseeded, and all keys of one slot's table share it, so the table needs bits
 * independent of it.
 */
public final class KeyHash {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  /** The system property that fixes the seed, for reproducible benchmarks only. */
  public static final String SEED_PROPERTY = "tiercel.keyHashSeed";
  private static final long SEED = seed();
  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xBF58476D1CE4E5B9L;

  private KeyHash() {}

  /**
   * Returns the seed: random per process, unless {@link #SEED_PROPERTY} gives one (the hit-ratio
   * benchmark uses it to measure how much results depend on the seed).
   */
  private static long seed() {
    String fixed = System.getProperty(SEED_PROPERTY);
    return fixed == null ? new SecureRandom().nextLong() : Long.parseLong(fixed.trim());
  }

  /** Returns the 30-bit hash of {@code key} (the top two bits are zero). */
  public static int hash(byte[] key) {
    return hash(code(key));
  }

  /** Returns the cluster slot held in a {@link #code}: {@link KeySlot#of} of the key. */
  static int slot(long code) {
    return (int) (code >>> 32);
  }

  /** Returns the hash held in a {@link #code}: {@link #hash(byte[])} of the key. */
  static int hash(long code) {
    return (int) code;
  }

  /**
   * Returns the key's cluster slot (high 32 bits) and 30-bit hash (low 32 bits) from one pass
   * over its bytes.
   */
  static long code(byte[] key) {
    return code(key, 0, key.length);
  }

  /** Returns the {@link #code} of the key held in {@code key[offset, offset + length)}. */
  static long code(byte[] key, int offset, int length) {
    long h = SEED ^ (length * M1);
    int crc = 0;
    boolean brace = false;
    int i = 0;
    for (; length - i >= 8; i += 8) {
      long word = (long) LONGS.get(key, offset + i);
      crc = KeySlot.crc16Word(crc, word);
      h = Long.rotateLeft((h ^ word) * M1, 29) * M2;
      brace |= KeySlot.hasOpenBrace(word);
    }
    int rest = length - i;
    if (rest > 0) {
      // The last 1 to 7 bytes as one big-endian word: sliced from the key's last eight bytes when
      // it has eight, so a key of 9 to 15 bytes costs two word loads and no byte loop.
      long tail;
      if (length >= 8) {
        tail = (long) LONGS.get(key, offset + length - 8) & (-1L >>> (64 - 8 * rest));
      } else {
        tail = 0;
        for (int j = offset; j < offset + length; j++) {
          tail = (tail << 8) | (key[j] & 0xFF);
        }
      }
      crc = KeySlot.crc16Tail(crc, tail, rest);
      h = Long.rotateLeft((h ^ tail) * M1, 29) * M2;
      brace |= KeySlot.hasOpenBrace(tail);
    }
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    int slot = brace ? KeySlot.of(key, offset, length) : crc & (KeySlot.SLOTS - 1);
    return ((long) slot << 32) | ((int) h & PolicyNode.LOW_BITS);
  }
}
