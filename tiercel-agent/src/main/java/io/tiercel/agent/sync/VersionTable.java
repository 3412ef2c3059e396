package io.tiercel.agent.sync;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The last applied {@link Stamp} of every synced key, and the rule that keeps sync ordered per
 * key: a change is applied only if its stamp is newer than the key's, so a late or duplicated
 * message never overwrites a newer value, and applying the same message twice does nothing.
 *
 * <p>Choice: versions live in this side table rather than in the cache entry, so the core's
 * entry layout stays unchanged and a DEL leaves a tombstone (the stamp stays after the value is
 * gone). Every check-and-apply runs inside {@link ConcurrentHashMap#compute} on the key, so the
 * remote applier and local SYNC writers serialise per key without a global lock.
 *
 * <p>Bounded: past {@code capacity} keys an eighth of them are forgotten, and the floor is raised
 * to the newest version forgotten. A message for a key with no stamp is applied only if it is
 * above the floor; below it, it might be older than the forgotten stamp, so it is ignored (a
 * conservative choice: it can only drop a message at least as old as the evicted keys).
 *
 * <p>Sized once: the map is created for {@code capacity} keys plus the eighth it may exceed it by,
 * so it never resizes. A growing {@link ConcurrentHashMap} copies its whole table on the thread
 * that crosses the threshold, and here that is an event loop: at 49,152 and 98,304 keys those
 * copies held the sync bench's messages up for 5-18 ms, on the writing agent and on the applying
 * one (docs/benchmarks.md, branch agentperf3). The table is allocated on the first put (2^21 slots
 * for the agent's million keys, 8 MB with compressed references), so an agent that never syncs does
 * not pay it.
 */
public final class VersionTable {
  private final Map<CacheKey, Stamp> stamps;
  private final int capacity;
  private volatile long floor = Long.MIN_VALUE;

  /** Creates a table remembering up to about {@code capacity} keys. */
  public VersionTable(int capacity) {
    if (capacity < 8) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 8)");
    }
    this.capacity = capacity;
    this.stamps = new ConcurrentHashMap<>(capacity + capacity / 8 + 1);
  }

  /**
   * Runs {@code apply} and records {@code stamp} if it is newer than the key's stamp; returns
   * whether it was applied.
   */
  public boolean applyIfNewer(String cache, byte[] key, Stamp stamp, Runnable apply) {
    boolean[] applied = {false};
    stamps.compute(new CacheKey(cache, key), (k, old) -> {
      if (old == null ? stamp.version() <= floor : !stamp.isNewerThan(old)) {
        return old;
      }
      apply.run();
      applied[0] = true;
      return stamp;
    });
    if (applied[0]) {
      trim();
    }
    return applied[0];
  }

  /**
   * Runs a local write under the key's lock and records the stamp {@code next} makes right after
   * it, so no remote change of the key can slip between the write and its version; returns it.
   */
  public Stamp writeLocal(String cache, byte[] key, Supplier<Stamp> next, Runnable write) {
    Stamp[] made = new Stamp[1];
    stamps.compute(new CacheKey(cache, key), (k, old) -> {
      write.run();
      made[0] = next.get();
      return made[0];
    });
    trim();
    return made[0];
  }

  /** Runs {@code action} on every remembered key under its lock (the stamps are kept). */
  public void forEachKey(BiConsumer<String, byte[]> action) {
    for (CacheKey k : stamps.keySet()) {
      stamps.computeIfPresent(k, (kk, stamp) -> {
        action.accept(kk.cache(), kk.key());
        return stamp;
      });
    }
  }

  /** What {@link #forEachStamped} runs on each key, under the key's lock. */
  public interface StampedKeyAction {
    /** Visits one key of cache {@code cache} whose last applied stamp is {@code stamp}. */
    void accept(String cache, byte[] key, Stamp stamp);
  }

  /** Runs {@code action} on every remembered key with its stamp, under the key's lock. */
  public void forEachStamped(StampedKeyAction action) {
    for (CacheKey k : stamps.keySet()) {
      stamps.computeIfPresent(k, (kk, stamp) -> {
        action.accept(kk.cache(), kk.key(), stamp);
        return stamp;
      });
    }
  }

  /**
   * Runs {@code action} under the key's lock if the key's stamp is still {@code expected};
   * returns whether it ran.
   */
  public boolean runIfStamp(String cache, byte[] key, Stamp expected, Runnable action) {
    boolean[] ran = {false};
    stamps.computeIfPresent(new CacheKey(cache, key), (k, stamp) -> {
      if (stamp.equals(expected)) {
        action.run();
        ran[0] = true;
      }
      return stamp;
    });
    return ran[0];
  }

  /** Returns the number of keys with a stamp. */
  public int size() {
    return stamps.size();
  }

  /** Returns the stamp of a key, or null. */
  public Stamp stampOf(String cache, byte[] key) {
    return stamps.get(new CacheKey(cache, key));
  }

  private void trim() {
    if (stamps.size() <= capacity) {
      return;
    }
    synchronized (this) {
      int toDrop = stamps.size() - capacity + capacity / 8;
      long newest = floor;
      Iterator<Map.Entry<CacheKey, Stamp>> it = stamps.entrySet().iterator();
      while (toDrop-- > 0 && it.hasNext()) {
        newest = Math.max(newest, it.next().getValue().version());
        it.remove();
      }
      floor = newest;
    }
  }
}
