package io.tiercel.persistence;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheStats;
import io.tiercel.core.EntryMutator;
import io.tiercel.core.EntryVisitor;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.KeyBatch;
import io.tiercel.core.MultiEntryMutator;
import io.tiercel.core.MutableEntry;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.ValueReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A cache whose every change is also appended to its log, from inside the key's write lock.
 *
 * <p>Every write goes through the inner cache's {@code compute}, which runs the mutation under the
 * key's stripe lock; the record is appended there, after the mutation is decided and before the
 * lock is released, so the log holds one key's changes in the order they took effect. The record
 * states the result (value and absolute expiry), never the operation, which keeps replay
 * idempotent. Evictions and expirations are not logged: an expiry is absolute in the record, so
 * replay drops what has expired, and an eviction is the cache choosing what to keep under its
 * budget, not a change of the data; recovery refills the cache and evicts again if it must.
 * Removals racing a {@link #purge()} are ordered by the PURGE record, which is appended after the
 * purge, so a purged value never comes back; a write that races the purge may be lost.
 *
 * <p>Before a logged write changes anything it is admitted by the log's bounded buffer
 * ({@link AppendLog#admit()}): a write refused there ({@link LogFullException}) left the cache as
 * it was.
 *
 * <p>Without a log (snapshots only) writes pass straight through and are only counted.
 */
final class LoggedCache implements Cache {
  private final Cache inner;
  private final LongAdder changes = new LongAdder();
  private volatile AppendLog log;

  LoggedCache(Cache inner) {
    this.inner = inner;
  }

  /** Returns the undecorated cache, which recovery fills without logging. */
  Cache inner() {
    return inner;
  }

  /** Starts logging to {@code log}; null stops it. */
  void attach(AppendLog log) {
    this.log = log;
  }

  /** Returns the writes since the node started. */
  long changes() {
    return changes.sum();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public CacheConfig config() {
    return inner.config();
  }

  @Override
  public byte[] get(byte[] key) {
    return inner.get(key);
  }

  @Override
  public <R> R read(byte[] key, ValueReader<R> reader) {
    return inner.read(key, reader);
  }

  @Override
  public <R> R readPacked(byte[] packed, int length, ValueReader<R> reader) {
    return inner.readPacked(packed, length, reader);
  }

  /** Passes the hint to the cache underneath: loading its lines is all a prefetch does. */
  @Override
  public void prefetch(KeyBatch batch) {
    inner.prefetch(batch);
  }

  @Override
  public boolean containsKey(byte[] key) {
    return inner.containsKey(key);
  }

  @Override
  public <R> R peek(byte[] key, ValueReader<R> reader) {
    return inner.peek(key, reader);
  }

  @Override
  public long entryWeight(byte[] key) {
    return inner.entryWeight(key);
  }

  @Override
  public long frequency(byte[] key) {
    return inner.frequency(key);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    put(key, value, DEFAULT_TTL);
  }

  @Override
  public void put(byte[] key, byte[] value, long expireAtMillis) {
    changes.increment();
    AppendLog l = log;
    if (l == null) {
      inner.put(key, value, expireAtMillis);
      return;
    }
    l.admit();
    inner.compute(key, e -> {
      e.setValue(value, expireAtMillis);
      if (e.exists()) {
        l.appendSet(key, value, 0, value.length, e.expireAt());
      } else {
        l.appendDel(key);
      }
      return null;
    });
  }

  /**
   * Without a log, hands the packed array to the inner cache as it is; with one, unpacks it and
   * logs it as {@link #put(byte[], byte[], long)} does.
   */
  @Override
  public void putPacked(byte[] packed, long expireAtMillis) {
    if (log == null) {
      changes.increment();
      inner.putPacked(packed, expireAtMillis);
      return;
    }
    put(PackedKeyValue.key(packed), PackedKeyValue.value(packed), expireAtMillis);
  }

  /**
   * Without a log, hands the scratch array to the inner cache, which may overwrite the value in
   * place; with one, logs a copy as {@link #put(byte[], byte[], long)} does.
   */
  @Override
  public void putPacked(byte[] packed, int length, long expireAtMillis) {
    if (log == null) {
      changes.increment();
      inner.putPacked(packed, length, expireAtMillis);
      return;
    }
    Cache.super.putPacked(packed, length, expireAtMillis);
  }

  @Override
  public boolean remove(byte[] key) {
    AppendLog l = log;
    if (l == null) {
      boolean removed = inner.remove(key);
      if (removed) {
        changes.increment();
      }
      return removed;
    }
    l.admit();
    Boolean removed = inner.compute(key, e -> {
      if (!e.exists()) {
        return false;
      }
      e.remove();
      l.appendDel(key);
      return true;
    });
    if (removed) {
      changes.increment();
    }
    return removed;
  }

  @Override
  public <R> R compute(byte[] key, EntryMutator<R> mutator) {
    AppendLog l = log;
    if (l == null) {
      ChangeTracker counting = new ChangeTracker(null);
      R result = inner.compute(key, e -> counting.apply(e, mutator));
      if (counting.changed()) {
        changes.increment();
      }
      return result;
    }
    l.admit();
    ChangeTracker tracker = new ChangeTracker(null);
    R result = inner.compute(key, e -> {
      R r = tracker.apply(e, mutator);
      tracker.log(l, key);
      return r;
    });
    if (tracker.changed()) {
      changes.increment();
    }
    return result;
  }

  /**
   * Runs the inner computeAll with every entry wrapped in a tracker and, still under all the
   * keys' locks, logs each changed key's result in key order. Replay applies them one by one, so
   * a crash between two of them (a group commit cut between records) can restore part of a
   * multi-key write.
   */
  @Override
  public <R> R computeAll(List<byte[]> keys, MultiEntryMutator<R> mutator) {
    AppendLog l = log;
    if (l != null) {
      l.admit();
    }
    List<ChangeTracker> trackers = new ArrayList<>(keys.size());
    R result = inner.computeAll(keys, entries -> {
      for (MutableEntry entry : entries) {
        trackers.add(new ChangeTracker(entry));
      }
      R r = mutator.apply(List.copyOf(trackers));
      if (l != null) {
        for (int i = 0; i < trackers.size(); i++) {
          trackers.get(i).log(l, keys.get(i));
        }
      }
      return r;
    });
    for (ChangeTracker tracker : trackers) {
      if (tracker.changed()) {
        changes.increment();
      }
    }
    return result;
  }

  @Override
  public long expireAt(byte[] key) {
    return inner.expireAt(key);
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public long weightedSize() {
    return inner.weightedSize();
  }

  @Override
  public long expiringSize() {
    return inner.expiringSize();
  }

  @Override
  public void setMaxMemory(long bytes) {
    inner.setMaxMemory(bytes);
  }

  @Override
  public void setPolicy(EvictionPolicyKind policy) {
    inner.setPolicy(policy);
  }

  @Override
  public void purge() {
    inner.purge();
    changes.increment();
    AppendLog l = log;
    if (l != null) {
      l.appendPurge(-1);
    }
  }

  @Override
  public long scan(long cursor, int count, Consumer<byte[]> keys) {
    return inner.scan(cursor, count, keys);
  }

  @Override
  public int countKeysInSlot(int slot) {
    return inner.countKeysInSlot(slot);
  }

  @Override
  public void forEachKeyInSlot(int slot, Consumer<byte[]> keys) {
    inner.forEachKeyInSlot(slot, keys);
  }

  @Override
  public void forEachEntryInSlot(int slot, EntryVisitor visitor) {
    inner.forEachEntryInSlot(slot, visitor);
  }

  @Override
  public int removeSlot(int slot) {
    int removed = inner.removeSlot(slot);
    changes.increment();
    AppendLog l = log;
    if (l != null) {
      l.appendPurge(slot);
    }
    return removed;
  }

  @Override
  public byte[] randomKey() {
    return inner.randomKey();
  }

  @Override
  public CacheStats stats() {
    return inner.stats();
  }

  @Override
  public void cleanUp() {
    inner.cleanUp();
  }

  /**
   * The entry a mutator sees: passes every call through and notes which kind of change it asked
   * for, so the result can be logged as SET, EXPIRE or DEL.
   */
  private static final class ChangeTracker implements MutableEntry {
    private MutableEntry e;
    private boolean valueSet;
    private boolean expireSet;
    private boolean removed;

    ChangeTracker(MutableEntry e) {
      this.e = e;
    }

    <R> R apply(MutableEntry entry, EntryMutator<R> mutator) {
      this.e = entry;
      return mutator.apply(this);
    }

    boolean changed() {
      return valueSet || expireSet || removed;
    }

    /** Appends the entry's resulting state; called inside the compute, under the key's lock. */
    void log(AppendLog l, byte[] key) {
      if (!changed()) {
        return;
      }
      if (!e.exists()) {
        if (removed || valueSet || expireSet) {
          l.appendDel(key);
        }
      } else if (valueSet) {
        l.appendSet(key, e.valueArray(), e.valueOffset(), e.valueLength(), e.expireAt());
      } else {
        l.appendExpire(key, e.expireAt());
      }
    }

    @Override
    public boolean exists() {
      return e.exists();
    }

    @Override
    public byte[] value() {
      return e.value();
    }

    @Override
    public byte[] valueArray() {
      return e.valueArray();
    }

    @Override
    public int valueOffset() {
      return e.valueOffset();
    }

    @Override
    public int valueLength() {
      return e.valueLength();
    }

    @Override
    public long expireAt() {
      return e.expireAt();
    }

    @Override
    public void setValue(byte[] value) {
      valueSet = true;
      e.setValue(value);
    }

    @Override
    public void setValue(byte[] value, long expireAtMillis) {
      valueSet = true;
      expireSet = true;
      e.setValue(value, expireAtMillis);
    }

    @Override
    public void setExpireAt(long expireAtMillis) {
      expireSet = true;
      e.setExpireAt(expireAtMillis);
    }

    @Override
    public void remove() {
      removed = true;
      e.remove();
    }
  }
}
