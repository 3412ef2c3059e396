package io.tiercel.bench.sim;

/** An open-addressing map from long keys to dense int ids 0, 1, 2, ... in first-seen order. */
final class LongIntMap {
  private long[] keys;
  private int[] ids; // id + 1; 0 marks an empty slot
  private int size;

  LongIntMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[capacity];
    ids = new int[capacity];
  }

  /** Returns the id of {@code key}, giving it the next free id if it has none yet. */
  int idOf(long key) {
    int mask = keys.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      int id = ids[i];
      if (id == 0) {
        keys[i] = key;
        ids[i] = ++size;
        if (size * 2 > keys.length) {
          grow();
        }
        return size - 1;
      } else if (keys[i] == key) {
        return id - 1;
      }
    }
  }

  /** Returns the number of distinct keys seen. */
  int size() {
    return size;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldIds = ids;
    keys = new long[oldKeys.length * 2];
    ids = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldIds[j] != 0) {
        int i = mix(oldKeys[j]) & mask;
        while (ids[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        ids[i] = oldIds[j];
      }
    }
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
