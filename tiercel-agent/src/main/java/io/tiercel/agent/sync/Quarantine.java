package io.tiercel.agent.sync;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheManager;
import io.tiercel.core.Clock;
import io.tiercel.core.KeySlot;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Synced entries taken out of the local store while they may be stale, until a repair either
 * proves them current (they go back) or cannot (they are dropped).
 *
 * <p>When the agent may have missed a SYNC message of some key slots (the subscriber lost its
 * node, or a sequence gap was seen), every synced key of those slots is removed from its cache
 * and kept here with the stamp it had: a read in the meantime misses rather than returning a
 * value that may have changed elsewhere. {@link #release} puts an entry back only if its key's
 * stamp is still the one it was held with (no newer change was applied since) and the cache has
 * no entry for the key (no local write since) and it has not expired; {@link #discard} forgets.
 * Both run under the key's {@link VersionTable} lock, as every apply does, so a remote change
 * cannot slip between the check and the put.
 *
 * <p>Cost: holding walks the whole version table (O(synced keys)); it runs on a disconnect or a
 * detected gap, never per message. Held values live outside the store's memory bound until the
 * repair ends, which on reconnect is one round trip.
 */
public final class Quarantine {
  private final CacheManager caches;
  private final VersionTable versions;
  private final Clock clock;
  private final Map<CacheKey, Held> held = new ConcurrentHashMap<>();

  private record Held(byte[] value, long expireAt, Stamp stamp, int slot) {}

  /** Creates the quarantine of the synced keys recorded in {@code versions}. */
  public Quarantine(CacheManager caches, VersionTable versions, Clock clock) {
    this.caches = caches;
    this.versions = versions;
    this.clock = clock;
  }

  /** Takes every synced key of the accepted slots out of its cache; returns how many. */
  public long hold(IntPredicate slots) {
    long[] count = {0};
    versions.forEachStamped((name, key, stamp) -> {
      int slot = KeySlot.of(key);
      Cache cache = caches.get(name);
      if (cache == null || !slots.test(slot)) {
        return;
      }
      byte[] value = cache.get(key);
      if (value == null) {
        return;
      }
      long expireAt = cache.expireAt(key);
      if (cache.remove(key)) {
        held.put(new CacheKey(name, key), new Held(value, expireAt < 0 ? Cache.NO_EXPIRY
            : expireAt, stamp, slot));
        count[0]++;
      }
    });
    return count[0];
  }

  /** Puts back the held entries of the accepted slots that are still current; returns how many. */
  public long release(IntPredicate slots) {
    long restored = 0;
    long now = clock.millis();
    for (Iterator<Map.Entry<CacheKey, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<CacheKey, Held> e = it.next();
      Held h = e.getValue();
      if (!slots.test(h.slot)) {
        continue;
      }
      it.remove();
      Cache cache = caches.get(e.getKey().cache());
      if (cache == null || (h.expireAt != Cache.NO_EXPIRY && h.expireAt <= now)) {
        continue;
      }
      boolean[] put = {false};
      versions.runIfStamp(e.getKey().cache(), e.getKey().key(), h.stamp, () -> {
        if (!cache.containsKey(e.getKey().key())) {
          cache.put(e.getKey().key(), h.value, h.expireAt);
          put[0] = true;
        }
      });
      if (put[0]) {
        restored++;
      }
    }
    return restored;
  }

  /** Forgets the held entries of the accepted slots; returns how many. */
  public long discard(IntPredicate slots) {
    long dropped = 0;
    for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
      if (slots.test(it.next().slot)) {
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  /** Returns the number of entries held. */
  public int size() {
    return held.size();
  }
}
