package io.tiercel.core.store;

import java.util.function.Consumer;

/**
 * A hierarchical timer wheel that finds expired entries in time proportional to their number,
 * never by scanning the cache.
 *
 * <p>Varghese and Lauck, "Hashed and Hierarchical Timing Wheels" (SOSP'87), as Caffeine's
 * TimerWheel and the Linux kernel use it. Time is in milliseconds. Level 0 has 64 buckets of
 * 1.024 s, level 1 64 buckets of 65.5 s, level 2 32 buckets of 69.9 min, level 3 4 buckets of 37.3
 * h, and the last level one bucket for anything further. An entry goes to the coarsest level whose
 * span covers its delay; when time passes a bucket, its entries either expire or drop to a finer
 * level. Active expiry is therefore up to one level-0 tick late; reads check the exact expiry, so
 * a late sweep is never visible.
 *
 * <p>Work is bounded: {@link #advance} expires at most {@code budget} entries per call; when the
 * budget runs out it rewinds its clock so the next call resumes the same buckets (the entries
 * already handled are gone from them). Guarded by the cache's eviction lock.
 */
final class TimerWheel {
  private static final int[] BUCKETS = {64, 64, 32, 4, 1};
  private static final int[] SHIFT = {10, 16, 22, 27, 29};

  private final TimedEntry[][] wheel;
  private long time;
  /** Entries in the wheel's buckets. */
  private int scheduled;

  TimerWheel(long now) {
    this.time = now;
    wheel = new TimedEntry[BUCKETS.length][];
    for (int level = 0; level < BUCKETS.length; level++) {
      wheel[level] = new TimedEntry[BUCKETS[level]];
      for (int b = 0; b < BUCKETS[level]; b++) {
        TimedEntry sentinel = new TimedEntry(new byte[] {0}, 0, 0);
        sentinel.wheelPrev = sentinel;
        sentinel.wheelNext = sentinel;
        wheel[level][b] = sentinel;
      }
    }
  }

  /** Adds an unscheduled entry to the bucket for its expiry. */
  void schedule(TimedEntry entry) {
    TimedEntry sentinel = bucketFor(entry.expireAt);
    TimedEntry last = sentinel.wheelPrev;
    entry.wheelPrev = last;
    entry.wheelNext = sentinel;
    last.wheelNext = entry;
    sentinel.wheelPrev = entry;
    scheduled++;
  }

  /** Removes an entry from its bucket if it is scheduled. */
  void deschedule(TimedEntry entry) {
    if (entry.wheelNext == null) {
      return;
    }
    entry.wheelPrev.wheelNext = entry.wheelNext;
    entry.wheelNext.wheelPrev = entry.wheelPrev;
    entry.wheelPrev = null;
    entry.wheelNext = null;
    scheduled--;
  }

  /**
   * Moves the wheel to {@code now}, passing up to {@code budget} expired entries (unscheduled) to
   * {@code expired}; returns how many were passed.
   */
  int advance(long now, int budget, Consumer<TimedEntry> expired) {
    long previous = time;
    if (now <= previous) {
      return 0;
    }
    time = now;
    int done = 0;
    for (int level = 0; level < BUCKETS.length; level++) {
      long previousTicks = previous >>> SHIFT[level];
      long currentTicks = now >>> SHIFT[level];
      if (currentTicks <= previousTicks) {
        break;
      }
      int mask = BUCKETS[level] - 1;
      long ticks = Math.min(currentTicks - previousTicks, BUCKETS[level]);
      for (long t = 0; t <= ticks; t++) {
        TimedEntry sentinel = wheel[level][(int) ((previousTicks + t) & mask)];
        done += expireBucket(sentinel, now, budget - done, expired);
        if (done >= budget) {
          time = previous; // resume these buckets next time
          return done;
        }
      }
    }
    return done;
  }

  /** Returns the number of scheduled entries, counted as they come and go. */
  int scheduled() {
    return scheduled;
  }

  /** Returns the number of scheduled entries; walks every bucket (tests only). */
  int scheduledCount() {
    int n = 0;
    for (TimedEntry[] level : wheel) {
      for (TimedEntry sentinel : level) {
        for (TimedEntry e = sentinel.wheelNext; e != sentinel; e = e.wheelNext) {
          n++;
        }
      }
    }
    return n;
  }

  private int expireBucket(TimedEntry sentinel, long now, int budget, Consumer<TimedEntry> out) {
    int done = 0;
    // Detach the bucket, then expire or re-file each entry; re-filed ones land in finer levels.
    TimedEntry e = sentinel.wheelNext;
    sentinel.wheelPrev = sentinel;
    sentinel.wheelNext = sentinel;
    while (e != sentinel) {
      TimedEntry next = e.wheelNext;
      e.wheelPrev = null;
      e.wheelNext = null;
      scheduled--;
      if (done < budget && e.expireAt <= now) {
        out.accept(e);
        done++;
      } else {
        schedule(e);
      }
      e = next;
    }
    return done;
  }

  private TimedEntry bucketFor(long expireAt) {
    long delay = expireAt - time;
    for (int level = 0; level < BUCKETS.length - 1; level++) {
      if (delay < (1L << SHIFT[level + 1])) {
        long ticks = Math.max(expireAt, time) >>> SHIFT[level];
        return wheel[level][(int) (ticks & (BUCKETS[level] - 1))];
      }
    }
    return wheel[BUCKETS.length - 1][0];
  }
}
