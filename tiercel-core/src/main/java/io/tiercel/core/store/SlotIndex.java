package io.tiercel.core.store;

import io.tiercel.core.KeySlot;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The hash table of one cache, organized by cluster slot: one small open-addressing table per
 * slot, so the keys of any slot can be listed or removed without touching the others.
 *
 * <p><b>Why per slot.</b> A cluster moves keys slot by slot. Redis 7.0 threaded a linked list
 * through every entry for this (two pointers per key); Redis 8 keeps one dictionary per slot
 * ("kvstore"). Tiercel does the latter: the slot index costs nothing per entry beyond the table
 * reference it needs anyway. Tables are created on first use, so a cache with few keys touches
 * few slots.
 *
 * <p><b>Layout.</b> Linear probing over an array of entry references, sized a power of two, grown
 * when live entries plus tombstones pass 3/4 and rebuilt (dropping tombstones) at the same time.
 * No chain pointer per entry: that is four bytes per key saved over chaining.
 *
 * <p><b>Concurrency.</b> Readers take no lock: they read a slot's array once (acquire) and probe
 * it. Writers hold the slot's stripe lock. A removal writes a {@link #TOMBSTONE} rather than
 * shifting later entries back, because a shift could move an entry behind a concurrent reader's
 * probe position and make it miss a key that was present all along. Growth builds a new array and
 * publishes it with a release store; a reader still on the old array sees the state as of its
 * start, which keeps every lookup linearizable. An entry's key and hash never change after it is
 * published with a release store (the policy's links and queue bits do, and share no bits with
 * the hash), so a lookup that finds one finds the right one; its value's bytes may be overwritten
 * in place, which readers of the value check for ({@link OverwriteVersions}).
 */
final class SlotIndex {
  private static final VarHandle TABLES = MethodHandles.arrayElementVarHandle(Entry[][].class);
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);
  private static final int MIN_CAPACITY = 4;

  /** Marks a removed position so probes continue past it. */
  static final Entry TOMBSTONE = new Entry(new byte[] {0}, 0);

  private final Entry[][] tables = new Entry[KeySlot.SLOTS][];
  /** Live entries per slot; guarded by the slot's stripe lock. */
  private final int[] counts = new int[KeySlot.SLOTS];
  /** Live entries plus tombstones per slot; guarded by the slot's stripe lock. */
  private final int[] used = new int[KeySlot.SLOTS];

  /**
   * Returns the entry for {@code key} in {@code slot}, expired or not, or null; lock-free.
   * {@code hash} is the key's {@link KeyHash#hash}.
   */
  Entry find(int slot, int hash, byte[] key) {
    return probe(slot, hash, key, false);
  }

  /**
   * Returns the entry whose key is the one packed at the start of {@code packed}
   * ({@link io.tiercel.core.PackedKeyValue}) in {@code slot}, expired or not, or null; as
   * {@link #find} does.
   */
  Entry findPacked(int slot, int hash, byte[] packed) {
    return probe(slot, hash, packed, true);
  }

  /** Probes {@code slot}'s table for {@code key}, a bare key or, if {@code packed}, a packed one. */
  private Entry probe(int slot, int hash, byte[] key, boolean packed) {
    Entry[] table = (Entry[]) TABLES.getAcquire(tables, slot);
    if (table == null) {
      return null;
    }
    int mask = table.length - 1;
    int i = hash & mask;
    for (int probes = 0; probes <= mask; probes++) {
      Entry e = (Entry) SLOTS.getAcquire(table, i);
      if (e == null) {
        return null;
      }
      if (e != TOMBSTONE && e.hash() == hash
          && (packed ? e.keyEqualsPacked(key) : e.keyEquals(key))) {
        return e;
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  /**
   * Maps the entry's key (in {@code slot}) to {@code entry}, replacing the entry for the same key
   * if there is one; returns the replaced entry or null. The key is read from the entry's own
   * data, so a write needs no separate key array. Caller holds the slot's stripe lock.
   */
  Entry put(int slot, Entry entry) {
    Entry[] table = tables[slot];
    if (table == null) {
      table = new Entry[MIN_CAPACITY];
      TABLES.setRelease(tables, slot, table);
    }
    int mask = table.length - 1;
    int hash = entry.hash();
    int i = hash & mask;
    int free = -1;
    for (int probes = 0; probes <= mask; probes++) {
      Entry e = table[i];
      if (e == null) {
        break;
      }
      if (e == TOMBSTONE) {
        if (free < 0) {
          free = i;
        }
      } else if (e.hash() == hash && e.keyEquals(entry)) {
        SLOTS.setRelease(table, i, entry);
        return e;
      }
      i = (i + 1) & mask;
    }
    if (free >= 0) {
      SLOTS.setRelease(table, free, entry);
    } else {
      // A table is never full: it grows at 3/4, so the probe above ended at a null.
      SLOTS.setRelease(table, i, entry);
      used[slot]++;
    }
    counts[slot]++;
    if (used[slot] * 4 > table.length * 3) {
      rebuild(slot, table);
    }
    return null;
  }

  /** Removes {@code entry} (of {@code slot}) if its key still maps to it; under the stripe lock. */
  boolean removeIfSame(int slot, Entry entry) {
    Entry[] table = tables[slot];
    if (table == null) {
      return false;
    }
    int mask = table.length - 1;
    int i = entry.hash() & mask;
    for (int probes = 0; probes <= mask; probes++) {
      Entry e = table[i];
      if (e == null) {
        return false;
      }
      if (e == entry) {
        SLOTS.setRelease(table, i, TOMBSTONE);
        counts[slot]--;
        if (counts[slot] == 0) {
          // Drop the slot's table: an empty slot costs nothing, and no tombstones linger.
          TABLES.setRelease(tables, slot, null);
          used[slot] = 0;
        } else if (counts[slot] * 8 < table.length && table.length > MIN_CAPACITY) {
          rebuild(slot, table);
        }
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  /** Removes every entry of {@code slot}, passing each to {@code removed}; caller holds the lock. */
  void clear(int slot, Consumer<Entry> removed) {
    Entry[] table = tables[slot];
    if (table == null) {
      return;
    }
    TABLES.setRelease(tables, slot, null);
    counts[slot] = 0;
    used[slot] = 0;
    for (Entry e : table) {
      if (e != null && e != TOMBSTONE) {
        removed.accept(e);
      }
    }
  }

  /**
   * Reads, for each of {@code count} lookups, the lines it will read first: the slot's table at
   * the key's home position, the entry there and the first and last line of its data array. The
   * loads of one stage do not depend on each other, so the processor overlaps their misses; the
   * lookups that follow find the lines in cache. Returns a value made of what was read, which the
   * caller must keep so the loads are not dropped, and leaves {@code scratch} empty. Racy and
   * harmless: it changes nothing.
   */
  int prefetch(int[] slots, int[] hashes, int count, Object[] scratch) {
    for (int k = 0; k < count; k++) {
      Entry[] table = tables[slots[k]];
      scratch[k] = table == null ? null : table[hashes[k] & (table.length - 1)];
    }
    int sink = 0;
    for (int k = 0; k < count; k++) {
      if (scratch[k] instanceof Entry e) {
        byte[] d = e.data;
        sink += e.hash();
        scratch[k] = d;
      }
    }
    for (int k = 0; k < count; k++) {
      if (scratch[k] instanceof byte[] d) {
        sink += d[0] + d[d.length - 1];
      }
      // The scratch must not keep a removed value alive until the next batch.
      scratch[k] = null;
    }
    return sink;
  }

  /** Returns the number of entries in {@code slot} (racy outside the stripe lock). */
  int count(int slot) {
    return counts[slot];
  }

  /** Visits a snapshot of the entries of {@code slot}; lock-free. */
  void forEach(int slot, Consumer<Entry> action) {
    Entry[] table = (Entry[]) TABLES.getAcquire(tables, slot);
    if (table == null) {
      return;
    }
    for (int i = 0; i < table.length; i++) {
      Entry e = (Entry) SLOTS.getAcquire(table, i);
      if (e != null && e != TOMBSTONE) {
        action.accept(e);
      }
    }
  }

  /** Returns the entry at position {@code index} of a snapshot of {@code slot}'s table, or null. */
  Entry entryAt(int slot, int index) {
    Entry[] table = (Entry[]) TABLES.getAcquire(tables, slot);
    if (table == null) {
      return null;
    }
    Entry e = (Entry) SLOTS.getAcquire(table, Math.floorMod(index, table.length));
    return e == TOMBSTONE ? null : e;
  }

  /** Returns the capacity of {@code slot}'s table, or 0 if it has none. */
  int capacity(int slot) {
    Entry[] table = (Entry[]) TABLES.getAcquire(tables, slot);
    return table == null ? 0 : table.length;
  }

  /**
   * Builds a fresh table for the slot's live entries, at most half full, and publishes it. Growth
   * happens just past 3/4, so a grown table is about 3/8 full: twice the old capacity.
   */
  private void rebuild(int slot, Entry[] old) {
    int live = counts[slot];
    int capacity = MIN_CAPACITY;
    while (capacity < live * 2 && capacity < (1 << 30)) {
      capacity <<= 1;
    }
    Entry[] table = new Entry[capacity];
    int mask = capacity - 1;
    for (Entry e : old) {
      if (e != null && e != TOMBSTONE) {
        int i = e.hash() & mask;
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = e;
      }
    }
    used[slot] = live;
    TABLES.setRelease(tables, slot, table);
  }
}
