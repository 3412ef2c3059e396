package io.tiercel.core.backing;

import io.tiercel.core.ByteKey;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheFullException;
import io.tiercel.core.CacheStats;
import io.tiercel.core.Clock;
import io.tiercel.core.EntryMutator;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.KeyBatch;
import io.tiercel.core.RemovalCause;
import io.tiercel.core.RemovalListener;
import io.tiercel.core.ValueReader;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A cache in front of a {@link BackingStore}: read-through, write-through, write-behind or
 * write-back, composed around an ordinary {@link Cache}.
 *
 * <p>Design. Every single-key operation runs on its key's lane of a {@link KeyAffinityExecutor}
 * (inline when the caller already is that lane or, for a blocking caller, when the lane is idle;
 * else handed over and awaited), so one key's
 * loads, writes and their database effects happen in one order while other keys run in parallel;
 * a read submitted after a write sees it. A miss first consults the write queue (a queued change is
 * newer than the database), then loads and fills the cache with a clean entry. Misses queued
 * together on one key share one load: the first fills the cache, and an absent result is
 * remembered while more tasks for that key are queued ({@code knownAbsent}), so 50 concurrent
 * misses cost one database round trip whether the row exists or not. Writes run the caller's
 * mutation inside the inner cache's {@code compute} through a recording entry, then apply what
 * changed to the store per mode: write-through stores before returning and restores the previous
 * entry if the store fails; write-behind journals into the {@link WriteBehindQueue} before
 * returning; write-back journals a parked change that the queue flushes once the entry is evicted,
 * expired or purged (the inner cache's removal listener releases it). A queued write leaves its
 * journal ticket on the lane thread; the lane goes on with the next task at once and the write's
 * caller waits for the ticket to be durable (group commit) — a blocking caller in its own thread,
 * {@link #submit}'s future without any thread waiting — so no lane waits for the disk. Expiry is
 * the cache's own: the store holds values only. Whole-cache operations (size, scan, purge) touch only the cache.
 */
public final class BackedCache implements Cache, AutoCloseable {
  private final String name;
  private final Cache delegate;
  private final BackingStore store;
  private final StoreOptions options;
  private final StoreMode mode;
  private final Clock clock;
  private final KeyAffinityExecutor lanes;
  private final WriteBehindQueue queue;
  private final StoreMetrics metrics = new StoreMetrics();
  private final ConcurrentHashMap<ByteKey, Integer> queuedTasks = new ConcurrentHashMap<>();
  private final Set<ByteKey> knownAbsent = ConcurrentHashMap.newKeySet();
  /** The journal ticket the running lane task's writes must see durable before their ack. */
  private final ThreadLocal<long[]> laneTicket = ThreadLocal.withInitial(() -> new long[1]);
  private volatile boolean closed;

  private BackedCache(String name, Function<RemovalListener, Cache> inner, RemovalListener outer,
      BackingStore store, WriteJournal journal, StoreOptions options, Clock clock) {
    this.name = name;
    this.store = store;
    this.options = options;
    this.mode = options.mode();
    this.clock = clock;
    RemovalListener listener = mode == StoreMode.WRITE_BACK
        ? (key, value, cause) -> {
            onRemoval(key, cause);
            outer.onRemoval(key, value, cause);
          }
        : outer;
    this.delegate = inner.apply(listener);
    this.lanes = new KeyAffinityExecutor("tiercel-" + name, options.lanes());
    this.queue = mode.queued()
        ? new WriteBehindQueue(name, store, journal, clock, options, metrics) : null;
  }

  /**
   * Opens a backed cache: {@code inner} builds the plain cache given the removal listener to use,
   * {@code journal} keeps queued writes (replayed and flushed now), {@code outer} is told of
   * removals as a plain cache would tell it.
   */
  public static BackedCache open(String name, Function<RemovalListener, Cache> inner,
      RemovalListener outer, BackingStore store, WriteJournal journal, StoreOptions options,
      Clock clock) throws IOException {
    BackedCache c = new BackedCache(name, inner, outer, store, journal, options, clock);
    if (c.queue != null) {
      try {
        c.queue.start();
      } catch (IOException | RuntimeException e) {
        c.lanes.shutdown(0);
        throw e;
      }
    }
    return c;
  }

  private void onRemoval(byte[] key, RemovalCause cause) {
    if (cause == RemovalCause.EVICTED || cause == RemovalCause.EXPIRED
        || cause == RemovalCause.PURGED) {
      queue.release(key);
    }
  }

  /** Returns the mode. */
  public StoreMode mode() {
    return mode;
  }

  /** Returns the store settings. */
  public StoreOptions options() {
    return options;
  }

  /** Returns the backing store. */
  public BackingStore store() {
    return store;
  }

  /** Returns the cache without the store: reads and writes that never touch the database. */
  public Cache inner() {
    return delegate;
  }

  /** Returns the store counters. */
  public StoreStats storeStats() {
    return metrics.snapshot(queue == null ? 0 : queue.pendingCount(),
        queue == null ? 0 : queue.journalBytes(), store.statements());
  }

  /**
   * Runs {@code task} on {@code key}'s lane after everything already submitted for that key; the
   * task may call this cache's methods for {@code key} (they run inline). For the node's command
   * path, which must never block an event loop.
   */
  public <T> CompletableFuture<T> submit(byte[] key, Callable<T> task) {
    return run(key, task, false).thenCompose(a -> a.ticket() == 0
        ? CompletableFuture.completedFuture(a.value())
        : queue.whenDurable(a.ticket()).thenApply(x -> a.value()));
  }

  /** A lane task's result and the journal ticket its writes wait for (0: none). */
  private record Acked<T>(T value, long ticket) {}

  /**
   * Runs {@code task} on {@code key}'s lane (on this thread if {@code inline} and the lane is
   * idle); the result carries its writes' journal ticket.
   */
  private <T> CompletableFuture<Acked<T>> run(byte[] key, Callable<T> task, boolean inline) {
    ByteKey k = ByteKey.of(key);
    queuedTasks.merge(k, 1, Integer::sum);
    Callable<Acked<T>> acked = () -> {
      long[] ticket = laneTicket.get();
      ticket[0] = 0;
      try {
        T value = task.call();
        return new Acked<>(value, ticket[0]);
      } finally {
        ticket[0] = 0;
        queuedTasks.compute(k, (x, n) -> {
          if (n == null || n <= 1) {
            knownAbsent.remove(k);
            return null;
          }
          return n - 1;
        });
      }
    };
    return inline ? lanes.runOrSubmit(key, acked) : lanes.submit(key, acked);
  }

  /**
   * Runs {@code op} on {@code key}'s lane and returns its result, waiting if handed over (and then
   * until its writes are durable in the journal); inline on the lane, the ticket stays with the
   * enclosing task.
   */
  private <T> T onLane(byte[] key, Callable<T> op) {
    try {
      if (lanes.isCurrentLane(key)) {
        return op.call();
      }
      if (lanes.onAnyLane()) {
        throw new IllegalStateException("a lane must not wait for another lane's key");
      }
      Acked<T> a = run(key, op, true).join();
      if (a.ticket() != 0) {
        queue.awaitDurable(a.ticket());
      }
      return a.value();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Fills the cache from the write queue or the store on a miss; returns the value, or null if
   * the key exists nowhere. Runs on the key's lane.
   */
  private byte[] loadIntoCache(byte[] key) {
    ByteKey k = ByteKey.of(key);
    if (knownAbsent.contains(k)) {
      return null;
    }
    PendingWrite w = queue == null ? null : queue.lookup(key);
    byte[] v;
    if (w != null) {
      v = w.value();
    } else {
      long start = StoreMetrics.ticks();
      try {
        v = store.load(key);
      } catch (BackingStoreException e) {
        metrics.loadErrors.increment();
        metrics.error(e);
        throw new BackingStoreException("cannot load from the backing store of cache '" + name
            + "': " + e.getMessage(), e);
      } finally {
        metrics.loads.increment();
        metrics.loadNanos.add(StoreMetrics.ticks() - start);
      }
      if (v != null) {
        metrics.loadHits.increment();
      }
    }
    if (v == null) {
      if (queuedTasks.containsKey(k)) {
        knownAbsent.add(k);
      }
      return null;
    }
    try {
      delegate.put(key, v);
    } catch (CacheFullException e) {
      // Too large to cache: serve it anyway.
    }
    return v;
  }

  private boolean ensureLoaded(byte[] key) {
    return delegate.containsKey(key) || (mode.loads() && loadIntoCache(key) != null);
  }

  /** Applies {@code mutator} to the inner cache, then its value change to the store per mode. */
  private <R> R change(byte[] key, EntryMutator<R> mutator) {
    RecordingEntry rec = new RecordingEntry(clock);
    R result = delegate.compute(key, e -> {
      rec.attach(e);
      return mutator.apply(rec);
    });
    propagate(key, rec);
    return result;
  }

  /**
   * Sends a recorded value change to the store per mode; on a write-through failure puts the old
   * value back in the cache and rethrows. Runs on the key's lane.
   */
  private void propagate(byte[] key, RecordingEntry rec) {
    if (!rec.valueChanged()) {
      return;
    }
    byte[] value = rec.removed() ? null : rec.newValue();
    try {
      switch (mode) {
        case WRITE_THROUGH -> {
          if (value == null) {
            store.delete(key);
          } else {
            store.store(key, value);
          }
          metrics.writesThrough.increment();
        }
        case WRITE_BEHIND -> noteTicket(queue.enqueue(key, value, false));
        case WRITE_BACK -> {
          noteTicket(queue.enqueue(key, value, value != null));
          if (value != null && !delegate.containsKey(key)) {
            queue.release(key);
          }
        }
        default -> { }
      }
    } catch (BackingStoreException e) {
      if (mode == StoreMode.WRITE_THROUGH) {
        metrics.writeErrors.increment();
        metrics.error(e);
      }
      rec.restore(delegate, key);
      throw e;
    }
    knownAbsent.remove(ByteKey.of(key));
  }

  /** Remembers that the running lane task's ack waits for journal {@code ticket}. */
  private void noteTicket(long ticket) {
    long[] t = laneTicket.get();
    if (ticket > t[0]) {
      t[0] = ticket;
    }
  }

  // ------------------------------------------------------------------------- Cache (per key)

  @Override
  public byte[] get(byte[] key) {
    return onLane(key, () -> {
      byte[] v = delegate.get(key);
      return v != null || !mode.loads() ? v : loadIntoCache(key);
    });
  }

  @Override
  public <R> R read(byte[] key, ValueReader<R> reader) {
    return onLane(key, () -> {
      R r = delegate.read(key, reader);
      if (r != null || !mode.loads()) {
        return r;
      }
      byte[] v = loadIntoCache(key);
      if (v == null) {
        return null;
      }
      r = delegate.read(key, reader);
      return r != null ? r : reader.read(v, 0, v.length, NO_EXPIRY);
    });
  }

  /** Passes the hint to the cache underneath: loading its lines is all a prefetch does. */
  @Override
  public void prefetch(KeyBatch batch) {
    delegate.prefetch(batch);
  }

  @Override
  public boolean containsKey(byte[] key) {
    return onLane(key, () -> ensureLoaded(key));
  }

  /** Looks at the cached entry only: no lane, no load (an inspection, see {@link Cache}). */
  @Override
  public <R> R peek(byte[] key, ValueReader<R> reader) {
    return delegate.peek(key, reader);
  }

  /** The cached entry's weight; a row that lives in the database alone is charged nothing. */
  @Override
  public long entryWeight(byte[] key) {
    return delegate.entryWeight(key);
  }

  /** The cached entry's frequency; no lane, no load. */
  @Override
  public long frequency(byte[] key) {
    return delegate.frequency(key);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    put(key, value, DEFAULT_TTL);
  }

  @Override
  public void put(byte[] key, byte[] value, long expireAtMillis) {
    onLane(key, () -> change(key, e -> {
      e.setValue(value, expireAtMillis);
      return null;
    }));
  }

  @Override
  public boolean remove(byte[] key) {
    return onLane(key, () -> {
      ensureLoaded(key);
      return change(key, e -> {
        boolean existed = e.exists();
        e.remove();
        return existed;
      });
    });
  }

  @Override
  public <R> R compute(byte[] key, EntryMutator<R> mutator) {
    return onLane(key, () -> {
      ensureLoaded(key);
      return change(key, mutator);
    });
  }

  /**
   * Changes several keys atomically in the cache (MSET, MSETNX, RENAME), then sends each change
   * to the store per mode. Lanes follow cluster slots, so keys that share a slot (a {hash tag})
   * share a lane, which runs the whole operation and keeps each key's order; keys on different
   * lanes are refused, as Redis Cluster refuses keys of different slots. With write-through, a
   * store failure part-way leaves the keys already written in the store.
   */
  @Override
  public <R> R computeAll(java.util.List<byte[]> keys, io.tiercel.core.MultiEntryMutator<R> mutator) {
    if (keys.isEmpty()) {
      return delegate.computeAll(keys, mutator);
    }
    byte[] first = keys.get(0);
    int lane = lanes.laneOf(first);
    for (byte[] key : keys) {
      if (lanes.laneOf(key) != lane) {
        throw new IllegalArgumentException("CROSSSLOT keys of a multi-key write to a cache with a"
            + " backing store must share a slot; use a {hash tag}");
      }
    }
    return onLane(first, () -> {
      for (byte[] key : keys) {
        ensureLoaded(key);
      }
      java.util.List<RecordingEntry> recs = new java.util.ArrayList<>(keys.size());
      R result = delegate.computeAll(keys, entries -> {
        for (io.tiercel.core.MutableEntry e : entries) {
          RecordingEntry rec = new RecordingEntry(clock);
          rec.attach(e);
          recs.add(rec);
        }
        return mutator.apply(java.util.List.copyOf(recs));
      });
      for (int i = 0; i < recs.size(); i++) {
        propagate(keys.get(i), recs.get(i));
      }
      return result;
    });
  }

  @Override
  public long expireAt(byte[] key) {
    return onLane(key, () -> {
      ensureLoaded(key);
      return delegate.expireAt(key);
    });
  }

  // ------------------------------------------------------------------ Cache (whole cache)

  @Override
  public String name() {
    return name;
  }

  @Override
  public CacheConfig config() {
    return delegate.config();
  }

  @Override
  public long size() {
    return delegate.size();
  }

  @Override
  public long weightedSize() {
    return delegate.weightedSize();
  }

  @Override
  public long expiringSize() {
    return delegate.expiringSize();
  }

  @Override
  public void setMaxMemory(long bytes) {
    delegate.setMaxMemory(bytes);
  }

  @Override
  public void setPolicy(EvictionPolicyKind policy) {
    delegate.setPolicy(policy);
  }

  @Override
  public void purge() {
    delegate.purge();
  }

  @Override
  public long scan(long cursor, int count, Consumer<byte[]> keys) {
    return delegate.scan(cursor, count, keys);
  }

  @Override
  public int countKeysInSlot(int slot) {
    return delegate.countKeysInSlot(slot);
  }

  @Override
  public void forEachKeyInSlot(int slot, Consumer<byte[]> keys) {
    delegate.forEachKeyInSlot(slot, keys);
  }

  /** Visits the cached entries only; rows that live in the database alone are not visited. */
  @Override
  public void forEachEntryInSlot(int slot, io.tiercel.core.EntryVisitor visitor) {
    delegate.forEachEntryInSlot(slot, visitor);
  }

  @Override
  public int removeSlot(int slot) {
    return delegate.removeSlot(slot);
  }

  @Override
  public byte[] randomKey() {
    return delegate.randomKey();
  }

  @Override
  public CacheStats stats() {
    return delegate.stats();
  }

  @Override
  public void cleanUp() {
    delegate.cleanUp();
  }

  /**
   * Waits up to {@code timeoutMillis} until queued writes are stored (parked write-back entries
   * too when {@code includeParked}); returns false if the store did not take them in time.
   */
  public boolean flush(boolean includeParked, long timeoutMillis) {
    return queue == null || queue.flush(includeParked, timeoutMillis);
  }

  /** Stores what is queued (up to 30 s; the rest stays journaled), stops the lanes and the store. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    lanes.shutdown(30_000);
    if (queue != null) {
      queue.shutdown(30_000);
    }
    store.close();
  }
}
