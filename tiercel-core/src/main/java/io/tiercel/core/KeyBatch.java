package io.tiercel.core;

import java.util.Arrays;

/**
 * The keys of the next few commands of a pipeline, copied side by side into one reusable array,
 * for {@link Cache#prefetch}; one per connection, so filling it allocates nothing once it has
 * grown to the connection's largest batch.
 *
 * <p>It also carries the scratch arrays a cache needs to prefetch them (each key's slot and
 * hash, and what each stage of the prefetch read), so a prefetch allocates nothing either, and
 * a sum of what the prefetches read ({@link #keep}), which keeps the loads from being optimized
 * away.
 */
public final class KeyBatch {
  /** The most keys a batch holds: enough to overlap the misses of a pipeline of 16 commands. */
  public static final int CAPACITY = 16;
  /** Keys longer than this are not worth copying for a hint: {@link #appendKey} leaves them out. */
  public static final int MAX_KEY_LENGTH = 256;

  private byte[] bytes = new byte[CAPACITY * 32];
  private final int[] offsets = new int[CAPACITY];
  private final int[] lengths = new int[CAPACITY];
  private int count;
  private int used;
  /** What prefetches read, summed: meaningless, but a field, so the loads cannot be dropped. */
  private int loaded;
  /** Scratch for the cache: each key's slot. */
  private final int[] slots = new int[CAPACITY];
  /** Scratch for the cache: each key's hash. */
  private final int[] hashes = new int[CAPACITY];
  /** Scratch for the cache: what each key's lookup read at the previous stage. */
  private final Object[] found = new Object[CAPACITY];

  /** Empties the batch. */
  public void clear() {
    count = 0;
    used = 0;
  }

  /** Returns whether the batch holds {@link #CAPACITY} keys. */
  public boolean isFull() {
    return count == CAPACITY;
  }

  /** Adds a copy of {@code key}; the batch must not be full. */
  public void add(byte[] key) {
    int offset = append(key.length);
    System.arraycopy(key, 0, bytes, offset, key.length);
  }

  /**
   * Makes room for a key worth prefetching, as {@link #append} does, or returns -1 for a key
   * longer than {@link #MAX_KEY_LENGTH}, which is left out; the batch must not be full.
   */
  public int appendKey(int length) {
    return length <= MAX_KEY_LENGTH ? append(length) : -1;
  }

  /**
   * Makes room for one more key of {@code length} bytes and returns where the caller writes it,
   * in the array {@link #bytes()} returns after this call (the room may be in a new, larger one);
   * the batch must not be full.
   */
  public int append(int length) {
    if (count == CAPACITY) {
      throw new IllegalStateException("key batch is full");
    }
    if (used + length > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + length));
    }
    int offset = used;
    offsets[count] = offset;
    lengths[count] = length;
    count++;
    used += length;
    return offset;
  }

  /** Returns the array the keys are copied into, side by side. */
  public byte[] bytes() {
    return bytes;
  }

  /** Returns the number of keys. */
  public int count() {
    return count;
  }

  /** Returns where key {@code i} starts in {@link #bytes()}. */
  public int offset(int i) {
    return offsets[i];
  }

  /** Returns the length of key {@code i}. */
  public int length(int i) {
    return lengths[i];
  }

  /** Adds {@code value}, made of what a prefetch read, to a field: the loads stay in the code. */
  public void keep(int value) {
    loaded += value;
  }

  /** Returns the sum of what {@link #keep} was given. */
  public int loaded() {
    return loaded;
  }

  /** Returns the scratch array of slots, for a cache's prefetch. */
  public int[] slots() {
    return slots;
  }

  /** Returns the scratch array of hashes, for a cache's prefetch. */
  public int[] hashes() {
    return hashes;
  }

  /** Returns the scratch array of each lookup's last read, for a cache's prefetch. */
  public Object[] found() {
    return found;
  }
}
