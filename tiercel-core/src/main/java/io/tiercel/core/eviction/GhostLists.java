package io.tiercel.core.eviction;

import java.util.function.IntConsumer;

/**
 * Two LRU lists of evicted keys' hashes and weights (ARC's B1 and B2), in primitive arrays.
 *
 * <p>Not thread-safe: owned by one policy, used under the eviction lock.
 */
final class GhostLists {

  /*
   * ARC remembers recently evicted keys to learn from their return, but not their values, so a
   * ghost must cost far less than an entry. Each ghost is one slot of an open-addressing hash
   * table (linear probing, Fibonacci hashing of the 32-bit key hash) in five parallel arrays:
   *
   *   int hash, int weight, int prev, int next, byte list    = 17 bytes per slot
   *
   * prev/next are slot indexes that thread the ghosts of each list in LRU order, so lookup,
   * append, removal from the middle (a ghost hit) and removal of the LRU ghost are all O(1)
   * without an object per ghost. The table doubles beyond 3/4 full and halves below 1/8 full
   * (never below 16 slots), so a slot is 3/8 to 3/4 used after growing: 23 to 45 bytes per ghost,
   * against about 80 for a LinkedHashMap<Integer, Integer> entry with its boxed key and value.
   *
   * Deletion uses backward shifting instead of tombstones, so probe sequences never degrade:
   * after a slot is emptied, later entries of the same cluster that may live there move back,
   * and their list neighbours are re-pointed at the new slot.
   *
   * A hash is in at most one list: adding a hash that is present replaces the old ghost. Two keys
   * with the same 32-bit hash share a ghost; a false ghost hit only nudges ARC's target.
   */

  /** The list id of an empty slot. */
  static final byte EMPTY = 0;
  /** No slot: the end of a list. */
  static final int NIL = -1;

  private static final int MIN_CAPACITY = 16;

  private int[] hashes;
  private int[] weights;
  private int[] prev;
  private int[] next;
  private byte[] lists;
  private int shift;
  private int count;

  // Indexed by list id; index 0 (EMPTY) is unused
  private final int[] heads = {NIL, NIL, NIL};
  private final int[] tails = {NIL, NIL, NIL};
  private final int[] sizes = new int[3];
  private final long[] listWeights = new long[3];

  /** Creates empty lists 1 and 2. */
  GhostLists() {
    allocate(MIN_CAPACITY);
  }

  /** Returns the slot holding {@code hash}, or {@link #NIL}. */
  int find(int hash) {
    int mask = lists.length - 1;
    for (int i = home(hash); lists[i] != EMPTY; i = (i + 1) & mask) {
      if (hashes[i] == hash) {
        return i;
      }
    }
    return NIL;
  }

  /** Returns the list of an occupied slot. */
  byte listAt(int slot) {
    return lists[slot];
  }

  /** Returns the remembered weight of an occupied slot. */
  int weightAt(int slot) {
    return weights[slot];
  }

  /** Returns the number of ghosts in {@code list}. */
  int size(byte list) {
    return sizes[list];
  }

  /** Returns the total remembered weight of {@code list}. */
  long weight(byte list) {
    return listWeights[list];
  }

  /** Returns the total remembered weight of both lists. */
  long weight() {
    return listWeights[1] + listWeights[2];
  }

  /** Returns the number of ghosts in both lists. */
  int size() {
    return count;
  }

  /** Returns the bytes held by the table's arrays. */
  long bytes() {
    return 17L * lists.length;
  }

  /** Appends {@code hash} with {@code weight} as the most recent ghost of {@code list}. */
  void addLast(byte list, int hash, int weight) {
    int existing = find(hash);
    if (existing != NIL) {
      remove(existing);
    }
    if (count + 1 > (lists.length >>> 2) * 3) {
      resize(lists.length << 1);
    }
    link(list, insert(hash), weight);
  }

  /** Removes the least recent ghost of {@code list}; returns false if it is empty. */
  boolean removeFirst(byte list) {
    int slot = heads[list];
    if (slot == NIL) {
      return false;
    }
    remove(slot);
    return true;
  }

  /** Returns the hash of the least recent ghost of {@code list}; the list must not be empty. */
  int peekFirstHash(byte list) {
    return hashes[heads[list]];
  }

  /** Removes the ghost in an occupied slot. */
  void remove(int slot) {
    unlink(slot);
    // Backward-shift deletion: pull later members of the cluster into the hole where allowed
    int mask = lists.length - 1;
    int hole = slot;
    for (int j = (hole + 1) & mask; lists[j] != EMPTY; j = (j + 1) & mask) {
      int h = home(hashes[j]);
      boolean staysPut = (hole <= j) ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!staysPut) {
        move(j, hole);
        hole = j;
      }
    }
    lists[hole] = EMPTY;
    count--;
    if (count < (lists.length >>> 3) && lists.length > MIN_CAPACITY) {
      resize(lists.length >>> 1);
    }
  }

  /** Removes every ghost and releases a grown table. */
  void clear() {
    allocate(MIN_CAPACITY);
    for (int list = 1; list <= 2; list++) {
      heads[list] = NIL;
      tails[list] = NIL;
      sizes[list] = 0;
      listWeights[list] = 0;
    }
  }

  /** Visits the hashes of {@code list} from least to most recent. */
  void forEachHash(byte list, IntConsumer action) {
    for (int i = heads[list]; i != NIL; i = next[i]) {
      action.accept(hashes[i]);
    }
  }

  private int home(int hash) {
    return (hash * 0x9E3779B9) >>> shift;
  }

  /** Claims the empty slot for an absent hash and returns it. */
  private int insert(int hash) {
    int mask = lists.length - 1;
    int i = home(hash);
    while (lists[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    hashes[i] = hash;
    count++;
    return i;
  }

  private void link(byte list, int slot, int weight) {
    lists[slot] = list;
    weights[slot] = weight;
    int tail = tails[list];
    prev[slot] = tail;
    next[slot] = NIL;
    if (tail == NIL) {
      heads[list] = slot;
    } else {
      next[tail] = slot;
    }
    tails[list] = slot;
    sizes[list]++;
    listWeights[list] += weight;
  }

  private void unlink(int slot) {
    byte list = lists[slot];
    int p = prev[slot];
    int n = next[slot];
    if (p == NIL) {
      heads[list] = n;
    } else {
      next[p] = n;
    }
    if (n == NIL) {
      tails[list] = p;
    } else {
      prev[n] = p;
    }
    sizes[list]--;
    listWeights[list] -= weights[slot];
  }

  /** Moves the ghost in slot {@code from} to the empty slot {@code to}, keeping its links. */
  private void move(int from, int to) {
    byte list = lists[from];
    int p = prev[from];
    int n = next[from];
    hashes[to] = hashes[from];
    weights[to] = weights[from];
    prev[to] = p;
    next[to] = n;
    lists[to] = list;
    if (p == NIL) {
      heads[list] = to;
    } else {
      next[p] = to;
    }
    if (n == NIL) {
      tails[list] = to;
    } else {
      prev[n] = to;
    }
  }

  private void resize(int capacity) {
    int[] oldHashes = hashes;
    int[] oldWeights = weights;
    int[] oldNext = next;
    int[] oldHeads = heads.clone();
    allocate(capacity);
    for (byte list = 1; list <= 2; list++) {
      int i = oldHeads[list];
      heads[list] = NIL;
      tails[list] = NIL;
      sizes[list] = 0;
      listWeights[list] = 0;
      for (; i != NIL; i = oldNext[i]) {
        link(list, insert(oldHashes[i]), oldWeights[i]);
      }
    }
  }

  private void allocate(int capacity) {
    hashes = new int[capacity];
    weights = new int[capacity];
    prev = new int[capacity];
    next = new int[capacity];
    lists = new byte[capacity];
    shift = Integer.numberOfLeadingZeros(capacity) + 1;
    count = 0;
  }
}
