package io.tiercel.core.store;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheFullException;
import io.tiercel.core.CacheStats;
import io.tiercel.core.Clock;
import io.tiercel.core.ConfigValues;
import io.tiercel.core.EntryMutator;
import io.tiercel.core.EntryVisitor;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.KeyBatch;
import io.tiercel.core.KeySlot;
import io.tiercel.core.MultiEntryMutator;
import io.tiercel.core.MutableEntry;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.RemovalCause;
import io.tiercel.core.RemovalListener;
import io.tiercel.core.ValueReader;
import io.tiercel.core.eviction.EvictionPolicies;
import io.tiercel.core.eviction.EvictionPolicy;
import io.tiercel.core.eviction.PolicyNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store: a concurrent table of byte keys and values under a memory budget, with a pluggable
 * eviction policy, per-entry expiry and a per-slot index.
 *
 * <p><b>Concurrency.</b> The table ({@link SlotIndex}) is read without locks and written under one
 * of 64 stripe locks chosen by slot, so each single-key operation is linearizable: a write is
 * visible to every read that starts after it returns, and writes to one key are serialized. The
 * eviction policy and the timer wheel are plain single-threaded structures guarded by one eviction
 * lock that the hot path never waits for. As in Caffeine (and BP-Wrapper, Ding et al. ICDE 2009),
 * reads record hits in a lossy {@link ReadBuffer} and writes queue a {@link WriteTask} while still
 * holding the stripe lock, so one key's tasks are queued in table order; whoever holds the eviction
 * lock replays both buffers ("maintenance"). After its write a writer runs maintenance, evicting
 * until the budget holds, if the eviction lock is free; if it is taken, the writer leaves its task
 * to the holder, which looks again after it unlocks (see {@link #afterWrite}), so concurrent
 * writers do not queue up behind one lock and the cache is within {@code maxmemory} whenever no
 * write is in flight. A read that finds its ring full queues a drain on the cache's executor (the
 * caller's thread by default, a pool in a node), so readers do not replay the policy themselves.
 * Lock order is eviction lock, then stripe lock; a stripe holder never waits for the eviction lock,
 * so there is no deadlock.
 *
 * <p><b>Writes that find the eviction lock free.</b> A put whose writer gets the eviction lock with
 * {@code tryLock} while it still holds the stripe lock (the usual case: one event loop, or writers
 * that do not overlap) replays the buffered reads and the queued tasks, as maintenance does, and
 * then applies its own change to the policy directly, instead of queueing a task and polling it
 * back a moment later: no task object, no queue node, no queue or counter updates. One key's
 * changes still reach the policy in table order, since every earlier one was queued before this
 * writer took the stripe. The writer never waits for the eviction lock while holding a stripe, so
 * the lock order holds; it evicts only after releasing the stripe, as eviction takes the victims'
 * stripes.
 *
 * <p><b>Overwrites in place.</b> A write that gives a key without an expiry a value of the same
 * length as the one it holds copies the new value over the old bytes of the entry's array, under
 * the stripe lock, instead of building a new array and entry: a cache that is mostly overwritten
 * (a counter, a session, any fixed-size record) then allocates nothing to write, and its
 * collector has nothing to reclaim. Lock-free readers could see half of each value, so every
 * read of value bytes outside the stripe lock validates against the stripe's sequence counter
 * ({@link OverwriteVersions}) and reads again if an overwrite overlapped it; a
 * {@link ValueReader} is told to {@link ValueReader#discard discard} what it did first. Reads
 * under the stripe lock (compute, snapshots) need no check. Entries with an expiry, values of
 * another length and caches whose listener wants replaced values ({@link RemovalCause#REPLACED})
 * take the usual path; the policy learns of an overwrite as an access of the entry.
 *
 * <p><b>Races the policy tolerates.</b> The policy may pick a victim whose key was meanwhile
 * rewritten or deleted (its task still queued): the victim's conditional removal from the table
 * fails, the policy drops it anyway, and the queued task later finds it unlinked and treats a
 * replacement as an add. Reads of entries that have since left are ignored by the policy.
 *
 * <p><b>Reads below half the budget.</b> Recording a read costs about as much as the lookup
 * itself (a ring slot CAS, and a drain that replays the policy). It only pays once entries must
 * be chosen for eviction. So, as Caffeine does ({@code BoundedLocalCache.skipReadBuffer}), reads
 * skip the buffer until the cache first weighs half its budget; from then on every read is
 * offered, even if the cache shrinks again, and the policy is told so once
 * ({@code EvictionPolicy.onReadRecordingStarted}: W-TinyLFU then notes which residents' reads it
 * never saw). Caffeine ties the switch to its frequency sketch,
 * which it allocates only when the cache reaches half its {@code maximumSize} (sized for the
 * maximum, or for the current entry count when weighted); until then it counts neither reads nor
 * writes, and its queues hold insertion order. What is lost is the same here: the recency and
 * frequency of reads made while the cache was less than half full. Those are reads of a cache
 * with room to spare: the half-full point leaves half a cache's worth of inserts, and their
 * reads, before the first eviction, which is when W-TinyLFU's admission first consults the sketch
 * and LRU or ARC first consult their order. Tiercel's W-TinyLFU still counts writes from the
 * first one, so its sketch holds at least what Caffeine's would. The hit-ratio traces fill their
 * caches early and did not move (docs/benchmarks.md). The flag is read with every hit; it is a
 * plain volatile load that never changes after it turns on.
 *
 * <p><b>Expiry.</b> Reads compare the exact expiry with the clock, so an expired value is never
 * returned; such an entry is removed on the spot. Active expiry runs in maintenance through a
 * {@link TimerWheel} with bounded work per cycle. Time comes only from the injected {@link Clock}.
 *
 * <p><b>Memory.</b> Every entry is weighed at its real heap cost ({@link EntrySizes}); the policy
 * keeps the total within the budget. An entry larger than the whole budget is refused with
 * {@link CacheFullException} before anything changes.
 */
public final class BoundedCache implements Cache {
  private static final Logger log = LoggerFactory.getLogger(BoundedCache.class);
  /** Returns a copy of the value: {@link #get} is a read through it. */
  private static final ValueReader<byte[]> COPY =
      (array, offset, length, expireAt) -> Arrays.copyOfRange(array, offset, offset + length);
  private static final int STRIPES = OverwriteVersions.STRIPES;
  /** At most this many expirations per maintenance run, so no caller stalls on a backlog. */
  static final int EXPIRY_BUDGET = 4096;
  /** Slots purged between two maintenance runs, to keep the write buffer short. */
  private static final int PURGE_BATCH = 256;
  /** Key sets up to this size are checked for repeated keys pair by pair (computeAll). */
  private static final int SMALL_KEY_SET = 32;
  /** Pending policy tasks beyond which a writer waits for the eviction lock. */
  static final int WRITE_BUFFER_MAX = 1024;

  private final String name;
  private final Clock clock;
  private final RemovalListener listener;
  private final boolean notifying;
  private final boolean automaticOnly;
  private final SlotIndex index = new SlotIndex();
  private final Object[] locks = new Object[STRIPES];
  private final ReadBuffer readBuffer;
  private final ConcurrentLinkedQueue<WriteTask> writeBuffer = new ConcurrentLinkedQueue<>();
  /** Tasks in {@link #writeBuffer}, kept apart because the queue's size() is a full walk. */
  private final AtomicInteger pendingWrites = new AtomicInteger();
  private final ReentrantLock evictionLock = new ReentrantLock();
  /** Lets lock-free readers notice a value overwritten in place (see "Overwrites in place"). */
  private final OverwriteVersions overwrites = new OverwriteVersions();
  /** Whether a write may overwrite a value in place: no listener needs replaced values. */
  private final boolean overwritesInPlace;
  private final LongAdder entries = new LongAdder();
  /*
   * Hits are the read buffer's recorded reads (ReadBuffer.recorded) plus the two counts below,
   * both HitCounters, whose increment is a plain store (see its essay): in JMH, 2-thread reads of
   * a cache below half its budget ran at 17-20 M ops/s in 3 of 4 runs, at 11-14 M with a
   * LongAdder (no gain showed at 1 thread). coreperf4 measured a HitCounter 15-25 % slower than a
   * LongAdder for dropped reads on full caches at 2 threads; with its cells padded to their own
   * cache lines and found by thread id (coreperf6) it measured no slower, and a dropped read no
   * longer pays a compare-and-swap (docs/benchmarks.md, branch coreperf6).
   */
  /** Hits made while reads were not recorded (below half the budget). */
  private final HitCounter unrecordedHits = new HitCounter();
  /** Hits the read buffer dropped: its ring was full or its tail was contended. */
  private final HitCounter droppedHits = new HitCounter();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder expirations = new LongAdder();
  private final Consumer<Entry> accessRecorder = this::recordAccess;
  private final Consumer<PolicyNode> evictor = this::evictVictim;
  private final Consumer<TimedEntry> expirer = this::expireFromWheel;
  private final Executor executor;
  /** Whether a read-triggered drain is queued on {@link #executor} and not yet finished. */
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Runnable drainTask = this::runScheduledDrain;

  private volatile CacheConfig config;
  /** The policy's weighted size after the last maintenance run. */
  private volatile long weightedSize;
  /** Entries with an expiry as of the last maintenance (the timer wheel's count). */
  private volatile long expiring;
  /**
   * Whether reads go to the read buffer: false until the cache first reaches half its budget,
   * then true for good (see "Reads below half the budget" above).
   */
  private volatile boolean recordingReads;

  // Guarded by evictionLock.
  private EvictionPolicy policy;
  private final TimerWheel wheel;
  private final List<Entry> removedEntries = new ArrayList<>();
  private final List<RemovalCause> removedCauses = new ArrayList<>();

  /** Creates an empty cache whose read-triggered maintenance runs on the reading thread. */
  public BoundedCache(String name, CacheConfig config, Clock clock, RemovalListener listener) {
    this(name, config, clock, listener, Runnable::run, ReadBuffer.INLINE_RING_SIZE);
  }

  /**
   * Creates an empty cache; maintenance asked for by reads (a full read buffer) runs on
   * {@code executor}, as Caffeine's does, so readers do not replay the policy themselves. Its
   * read rings are longer than an inline-draining cache's, to wake the executor less often
   * ({@link ReadBuffer}).
   */
  public BoundedCache(
      String name, CacheConfig config, Clock clock, RemovalListener listener, Executor executor) {
    this(name, config, clock, listener, executor, ReadBuffer.ASYNC_RING_SIZE);
  }

  private BoundedCache(String name, CacheConfig config, Clock clock, RemovalListener listener,
      Executor executor, int readRingSize) {
    this.readBuffer = new ReadBuffer(readRingSize);
    this.executor = Objects.requireNonNull(executor, "executor");
    this.name = Objects.requireNonNull(name, "name");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.notifying = listener != RemovalListener.NONE;
    this.automaticOnly = listener.automaticOnly();
    this.overwritesInPlace = !notifying || automaticOnly;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
    this.policy = EvictionPolicies.create(config.policy(), config.maxMemory());
    this.wheel = new TimerWheel(clock.millis());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CacheConfig config() {
    return config;
  }

  /* --------------- Reads --------------- */

  @Override
  public byte[] get(byte[] key) {
    return read(key, COPY);
  }

  @Override
  public <R> R read(byte[] key, ValueReader<R> reader) {
    long code = KeyHash.code(key);
    int slot = KeyHash.slot(code);
    Entry e = readLive(index.find(slot, KeyHash.hash(code), key));
    return e == null ? null : readValue(e, slot, reader);
  }

  /** Looks the key up where it lies in {@code packed}: no copy of it is made. */
  @Override
  public <R> R readPacked(byte[] packed, int length, ValueReader<R> reader) {
    int keyLength = PackedKeyValue.keyLength(packed, length);
    long code = KeyHash.code(packed, PackedKeyValue.keyOffset(keyLength), keyLength);
    int slot = KeyHash.slot(code);
    Entry e = readLive(index.findPacked(slot, KeyHash.hash(code), packed));
    return e == null ? null : readValue(e, slot, reader);
  }

  /**
   * Hands the reader the value in place: it runs from the end of the key to the array's end. If
   * an in-place write to the key's stripe overlapped the read, the reader discards what it did
   * and reads again (see "Overwrites in place").
   */
  private <R> R readValue(Entry e, int slot, ValueReader<R> reader) {
    byte[] d = e.data;
    int offset = e.valueOffset();
    int version = overwrites.beforeRead(slot);
    R result = reader.read(d, offset, d.length - offset, e.expireAt());
    return overwrites.unchangedSince(slot, version) ? result : readAgain(e, slot, reader);
  }

  /** Discards the last read and reads until no in-place write overlaps; off the hot path. */
  private <R> R readAgain(Entry e, int slot, ValueReader<R> reader) {
    byte[] d = e.data;
    int offset = e.valueOffset();
    for (;;) {
      reader.discard();
      Thread.onSpinWait();
      int version = overwrites.beforeRead(slot);
      R result = reader.read(d, offset, d.length - offset, e.expireAt());
      if (overwrites.unchangedSince(slot, version)) {
        return result;
      }
    }
  }

  @Override
  public boolean containsKey(byte[] key) {
    return findLive(key) != null;
  }

  @Override
  public long expireAt(byte[] key) {
    Entry e = findLive(key);
    return e == null ? ABSENT : e.expireAt();
  }

  @Override
  public <R> R peek(byte[] key, ValueReader<R> reader) {
    long code = KeyHash.code(key);
    int slot = KeyHash.slot(code);
    Entry e = index.find(slot, KeyHash.hash(code), key);
    return e == null || e.isExpired(clock.millis()) ? null : readValue(e, slot, reader);
  }

  @Override
  public long entryWeight(byte[] key) {
    Entry e = findLive(key);
    return e == null ? ABSENT : e.weight();
  }

  /**
   * Asks the policy under the eviction lock, after a maintenance pass has replayed the buffered
   * reads and writes; the entry is only looked up, so the inquiry itself is no access.
   */
  @Override
  public long frequency(byte[] key) {
    Entry e = findLive(key);
    if (e == null) {
      return ABSENT;
    }
    drainNow();
    int estimate;
    evictionLock.lock();
    try {
      estimate = policy.frequency(e.keyHash());
    } finally {
      evictionLock.unlock();
    }
    return estimate == EvictionPolicy.NOT_TRACKED ? FREQUENCY_NOT_TRACKED : estimate;
  }

  /** Returns the key's live entry without counting a hit or a miss or recording an access. */
  private Entry findLive(byte[] key) {
    Entry e = find(key);
    return e == null || e.isExpired(clock.millis()) ? null : e;
  }

  /** Returns the key's entry, expired or not, or null; one pass over the key for slot and hash. */
  private Entry find(byte[] key) {
    long code = KeyHash.code(key);
    return index.find(KeyHash.slot(code), KeyHash.hash(code), key);
  }

  /**
   * Returns {@code e}, what a read's lookup found, if it is live, counting the hit or miss and
   * recording the access; null for a miss.
   */
  private Entry readLive(Entry e) {
    if (e == null) {
      misses.increment();
      return null;
    }
    if (e instanceof TimedEntry t && t.expireAt <= clock.millis()) {
      misses.increment();
      removeExpired(t);
      return null;
    }
    if (!recordingReads) {
      unrecordedHits.increment();
      return e;
    }
    int offered = readBuffer.offer(e);
    if (offered != ReadBuffer.RECORDED) {
      droppedHits.increment();
      if (offered == ReadBuffer.FULL) {
        scheduleDrain();
      }
    }
    return e;
  }

  @Override
  public void prefetch(KeyBatch batch) {
    int n = batch.count();
    byte[] keys = batch.bytes();
    int[] slots = batch.slots();
    int[] hashes = batch.hashes();
    for (int k = 0; k < n; k++) {
      long code = KeyHash.code(keys, batch.offset(k), batch.length(k));
      slots[k] = KeyHash.slot(code);
      hashes[k] = KeyHash.hash(code);
    }
    batch.keep(index.prefetch(slots, hashes, n, batch.found()));
  }

  /* --------------- Writes --------------- */

  @Override
  public void put(byte[] key, byte[] value) {
    put(key, value, DEFAULT_TTL);
  }

  @Override
  public void put(byte[] key, byte[] value, long expireAtMillis) {
    long now = clock.millis();
    long expireAt = resolveExpiry(expireAtMillis, now);
    long code = KeyHash.code(key);
    int slot = KeyHash.slot(code);
    int hash = KeyHash.hash(code);
    if (expireAt != NO_EXPIRY && expireAt <= now) {
      removeKey(slot, hash, key, RemovalCause.EXPIRED);
      return;
    }
    if (expireAt == NO_EXPIRY && overwrite(slot, hash, key, false, value, 0, value.length)) {
      return;
    }
    store(slot, Entry.create(PackedKeyValue.pack(key, value), hash, expireAt), now);
  }

  /** Stores the packed array itself as the entry's data: no copy of the key or the value. */
  @Override
  public void putPacked(byte[] packed, long expireAtMillis) {
    putPacked(packed, packed.length, expireAtMillis, true);
  }

  /**
   * Overwrites the key's value in place when it can (see "Overwrites in place"), else stores a
   * copy of {@code packed[0, length)}: the array stays the caller's.
   */
  @Override
  public void putPacked(byte[] packed, int length, long expireAtMillis) {
    putPacked(packed, length, expireAtMillis, false);
  }

  /**
   * Stores the key and value packed in {@code packed[0, length)}: the array itself if the cache
   * may keep it ({@code owned}); otherwise by an overwrite in place or in a copy.
   */
  private void putPacked(byte[] packed, int length, long expireAtMillis, boolean owned) {
    int keyLength = PackedKeyValue.keyLength(packed, length);
    int keyOffset = PackedKeyValue.keyOffset(keyLength);
    long now = clock.millis();
    long expireAt = resolveExpiry(expireAtMillis, now);
    long code = KeyHash.code(packed, keyOffset, keyLength);
    int slot = KeyHash.slot(code);
    int hash = KeyHash.hash(code);
    if (expireAt != NO_EXPIRY && expireAt <= now) {
      removeKey(slot, hash, Arrays.copyOfRange(packed, keyOffset, keyOffset + keyLength),
          RemovalCause.EXPIRED);
      return;
    }
    if (owned) {
      store(slot, Entry.create(packed, hash, expireAt), now);
      return;
    }
    int valueOffset = keyOffset + keyLength;
    if (expireAt == NO_EXPIRY
        && overwrite(slot, hash, packed, true, packed, valueOffset, length - valueOffset)) {
      return;
    }
    store(slot, Entry.create(Arrays.copyOf(packed, length), hash, expireAt), now);
  }

  /**
   * Copies {@code source[from, from + length)} over the value of the key, when the key holds an
   * entry without an expiry whose value has that length and no listener needs replaced values;
   * returns whether it did. {@code key} is the key itself, or the same array as {@code source},
   * a {@link PackedKeyValue} array that starts with the key. The policy learns of the write as
   * an access.
   */
  private boolean overwrite(
      int slot, int hash, byte[] key, boolean packedKey, byte[] source, int from, int length) {
    if (!overwritesInPlace) {
      return false;
    }
    boolean maintaining;
    synchronized (lock(slot)) {
      Entry e = packedKey ? index.findPacked(slot, hash, key) : index.find(slot, hash, key);
      if (e == null || e.getClass() != Entry.class || e.valueLength() != length) {
        return false;
      }
      byte[] d = e.data;
      overwrites.beginWrite(slot);
      System.arraycopy(source, from, d, d.length - length, length);
      overwrites.endWrite(slot);
      maintaining = applyOrQueue(WriteTask.Kind.OVERWRITE, null, e);
    }
    finishWrite(maintaining);
    return true;
  }

  /**
   * The rest of a put once the entry is built: link it, tell of the one it replaced, maintain.
   * When the eviction lock is free, the policy learns of the write at once, without a task (see
   * "Writes that find the eviction lock free" above).
   */
  private void store(int slot, Entry entry, long now) {
    checkFits(entry);
    Entry old;
    boolean maintaining;
    synchronized (lock(slot)) {
      old = index.put(slot, entry);
      if (old == null) {
        entries.increment();
      }
      maintaining = applyOrQueue(old == null ? WriteTask.Kind.ADD : WriteTask.Kind.REPLACE,
          old, entry);
    }
    if (old != null) {
      notifyRemoval(old, old.isExpired(now) ? RemovalCause.EXPIRED : RemovalCause.REPLACED);
    }
    finishWrite(maintaining);
  }

  /**
   * Tells the policy of a write, under the key's stripe lock: at once if the eviction lock is
   * free (returning true with it held, after replaying what was buffered before), else as a
   * queued task for its holder (returning false). No task is built in the first case.
   */
  private boolean applyOrQueue(WriteTask.Kind kind, Entry old, Entry entry) {
    // tryLock never waits, so holding a stripe here cannot deadlock with maintenance.
    if (!evictionLock.tryLock()) {
      queue(new WriteTask(kind, old, entry));
      return false;
    }
    try {
      // Buffered reads first, then queued writes, as maintenance() replays them: the policy
      // sees the same order either way (W-TinyLFU's hit ratio depends on it).
      readBuffer.drainTo(accessRecorder);
      applyQueuedWrites();
      apply(kind, old, entry);
    } catch (RuntimeException | Error e) {
      evictionLock.unlock();
      throw e;
    }
    return true;
  }

  /** Ends a write once its stripe is released: maintains if {@link #applyOrQueue} locked. */
  private void finishWrite(boolean maintaining) {
    if (maintaining) {
      runMaintenanceAndUnlock();
      if (writeBuffer.isEmpty()) {
        return;
      }
    }
    afterWrite();
  }

  @Override
  public boolean remove(byte[] key) {
    long code = KeyHash.code(key);
    return removeKey(KeyHash.slot(code), KeyHash.hash(code), key, RemovalCause.EXPLICIT);
  }

  /** Removes the key's entry; returns whether it was live. {@code cause} applies to a live one. */
  private boolean removeKey(int slot, int hash, byte[] key, RemovalCause cause) {
    Entry e;
    synchronized (lock(slot)) {
      e = index.find(slot, hash, key);
      if (e == null) {
        return false;
      }
      unlink(slot, e);
    }
    boolean live = !e.isExpired(clock.millis());
    notifyRemoval(e, live ? cause : RemovalCause.EXPIRED);
    afterWrite();
    return live;
  }

  /** Removes an entry found expired by a read, if it is still the key's entry. */
  private void removeExpired(TimedEntry e) {
    int slot = e.slot();
    synchronized (lock(slot)) {
      if (!unlink(slot, e)) {
        return;
      }
    }
    notifyRemoval(e, RemovalCause.EXPIRED);
    afterWrite();
  }

  @Override
  public <R> R compute(byte[] key, EntryMutator<R> mutator) {
    long code = KeyHash.code(key);
    int slot = KeyHash.slot(code);
    int hash = KeyHash.hash(code);
    Mutation mutation;
    R result;
    Entry removed = null;
    RemovalCause cause = null;
    boolean wrote = false;
    synchronized (lock(slot)) {
      Entry e = index.find(slot, hash, key);
      long now = clock.millis();
      Entry live = (e != null && !e.isExpired(now)) ? e : null;
      mutation = new Mutation(live, now);
      result = mutator.apply(mutation);
      if (!mutation.changed()) {
        if (e != null && live == null) {
          unlink(slot, e);
          removed = e;
          cause = RemovalCause.EXPIRED;
          wrote = true;
        }
      } else {
        long expireAt = mutation.resolvedExpiry();
        if (mutation.removed || (expireAt != NO_EXPIRY && expireAt <= now)) {
          if (e != null) {
            unlink(slot, e);
            removed = e;
            cause = live == null || !mutation.removed ? RemovalCause.EXPIRED : RemovalCause.EXPLICIT;
            wrote = true;
          }
        } else {
          byte[] data =
              mutation.valueSet ? PackedKeyValue.pack(key, mutation.newValue) : live.data;
          Entry entry = Entry.create(data, hash, expireAt);
          checkFits(entry);
          Entry old = link(slot, entry);
          if (old != null) {
            if (live == null) {
              removed = old;
              cause = RemovalCause.EXPIRED;
            } else if (mutation.valueSet) {
              removed = old;
              cause = RemovalCause.REPLACED;
            }
          }
          wrote = true;
        }
      }
    }
    if (removed != null) {
      notifyRemoval(removed, cause);
    }
    if (wrote) {
      afterWrite();
    }
    return result;
  }

  /*
   * computeAll locks the stripes of all its keys at once. Each stripe is a bit of a 64-bit mask,
   * and the monitors are taken in ascending stripe order; every other path holds at most one
   * stripe, so no two lockers can wait on each other in a cycle. As with compute, listeners and
   * maintenance (the eviction lock) run only after every stripe is released, so the lock order
   * "eviction lock, then one stripe" of maintenance never meets a stripe holder waiting for the
   * eviction lock. New entries are built and weighed before the first change, so a value that
   * does not fit leaves every key as it was.
   */
  @Override
  public <R> R computeAll(List<byte[]> keys, MultiEntryMutator<R> mutator) {
    int n = keys.size();
    int[] slots = new int[n];
    int[] hashes = new int[n];
    long stripes = 0;
    for (int i = 0; i < n; i++) {
      long code = KeyHash.code(keys.get(i));
      slots[i] = KeyHash.slot(code);
      hashes[i] = KeyHash.hash(code);
      stripes |= 1L << (slots[i] & (STRIPES - 1));
    }
    MultiKeyOutcome outcome = new MultiKeyOutcome(n);
    R result = withStripes(stripes, () -> applyAll(keys, slots, hashes, mutator, outcome));
    for (int i = 0; i < outcome.removed.size(); i++) {
      notifyRemoval(outcome.removed.get(i), outcome.causes.get(i));
    }
    if (outcome.wrote) {
      afterWrite();
    }
    return result;
  }

  /** Runs {@code action} holding the monitors of every stripe in {@code mask}, lowest first. */
  private <T> T withStripes(long mask, Supplier<T> action) {
    if (mask == 0) {
      return action.get();
    }
    synchronized (locks[Long.numberOfTrailingZeros(mask)]) {
      return withStripes(mask & (mask - 1), action);
    }
  }

  /** What computeAll changed, to report after the locks are released. */
  private static final class MultiKeyOutcome {
    final List<Entry> removed;
    final List<RemovalCause> causes;
    boolean wrote;

    MultiKeyOutcome(int keys) {
      removed = new ArrayList<>(keys);
      causes = new ArrayList<>(keys);
    }
  }

  /**
   * Returns, for each key, the index of its first occurrence in {@code keys}. Up to
   * {@link #SMALL_KEY_SET} keys (an MSET's usual size) are compared pairwise, hashes first: no map,
   * no wrapper per key. Larger sets go through a hash map, so the work stays linear.
   */
  private static int[] firstOccurrences(List<byte[]> keys, int[] hashes) {
    int n = keys.size();
    int[] first = new int[n];
    if (n <= SMALL_KEY_SET) {
      for (int i = 0; i < n; i++) {
        first[i] = i;
        for (int j = 0; j < i; j++) {
          if (first[j] == j && hashes[j] == hashes[i] && Arrays.equals(keys.get(j), keys.get(i))) {
            first[i] = j;
            break;
          }
        }
      }
      return first;
    }
    Map<ByteBuffer, Integer> seen = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Integer prior = seen.putIfAbsent(ByteBuffer.wrap(keys.get(i)), i);
      first[i] = prior == null ? i : prior;
    }
    return first;
  }

  /** The body of computeAll; the caller holds every key's stripe. */
  private <R> R applyAll(List<byte[]> keys, int[] slots, int[] hashes,
      MultiEntryMutator<R> mutator, MultiKeyOutcome outcome) {
    int n = keys.size();
    long now = clock.millis();
    Entry[] found = new Entry[n];
    Mutation[] views = new Mutation[n];
    // first[i] is the index of the first occurrence of key i, so repeated keys share a view.
    int[] first = firstOccurrences(keys, hashes);
    for (int i = 0; i < n; i++) {
      if (first[i] != i) {
        views[i] = views[first[i]];
        continue;
      }
      Entry e = index.find(slots[i], hashes[i], keys.get(i));
      found[i] = e;
      views[i] = new Mutation(e != null && !e.isExpired(now) ? e : null, now);
    }
    R result = mutator.apply(Arrays.asList(views));
    Entry[] created = new Entry[n];
    for (int i = 0; i < n; i++) {
      Mutation m = views[i];
      if (first[i] != i || !m.changed() || m.removed) {
        continue;
      }
      long expireAt = m.resolvedExpiry();
      if (expireAt != NO_EXPIRY && expireAt <= now) {
        continue;
      }
      byte[] data = m.valueSet ? PackedKeyValue.pack(keys.get(i), m.newValue) : m.live.data;
      created[i] = Entry.create(data, hashes[i], expireAt);
      checkFits(created[i]);
    }
    for (int i = 0; i < n; i++) {
      Mutation m = views[i];
      Entry e = found[i];
      if (first[i] != i) {
        continue;
      }
      if (created[i] != null) {
        Entry old = link(slots[i], created[i]);
        if (old != null && (m.live == null || m.valueSet)) {
          outcome.removed.add(old);
          outcome.causes.add(m.live == null ? RemovalCause.EXPIRED : RemovalCause.REPLACED);
        }
        outcome.wrote = true;
      } else if (e != null && (m.changed() || m.live == null)) {
        // Removed by the mutator, set to expire in the past, or found already expired.
        unlink(slots[i], e);
        outcome.removed.add(e);
        outcome.causes.add(m.live != null && m.removed ? RemovalCause.EXPLICIT
            : RemovalCause.EXPIRED);
        outcome.wrote = true;
      }
    }
    return result;
  }

  /** Resolves {@link #DEFAULT_TTL} to this cache's default expiry from {@code now}. */
  private long resolveExpiry(long expireAt, long now) {
    if (expireAt != DEFAULT_TTL) {
      if (expireAt < NO_EXPIRY) {
        throw new IllegalArgumentException("expireAt: " + expireAt + " (expected: >= -1 or -3)");
      }
      return expireAt;
    }
    long ttl = config.defaultTtl().toMillis();
    return ttl == 0 ? NO_EXPIRY : now + ttl;
  }

  private void checkFits(Entry entry) {
    long max = config.maxMemory();
    if (entry.weight() > max) {
      throw new CacheFullException(
          "OOM command not allowed when used memory > 'maxmemory': an entry of "
              + entry.weight()
              + " bytes exceeds maxmemory of cache '"
              + name
              + "' ("
              + ConfigValues.formatBytes(max)
              + ")");
    }
  }

  private Object lock(int slot) {
    return locks[slot & (STRIPES - 1)];
  }

  /**
   * Maps the entry's key to {@code entry}, counts it and queues its policy task; returns the entry
   * it replaced, or null. Caller holds the slot's stripe lock.
   */
  private Entry link(int slot, Entry entry) {
    Entry old = index.put(slot, entry);
    if (old == null) {
      entries.increment();
      queue(WriteTask.add(entry));
    } else {
      queue(WriteTask.replace(old, entry));
    }
    return old;
  }

  /**
   * Removes {@code e} if its key still maps to it, uncounts it and queues its policy task; returns
   * whether it was removed. Caller holds the slot's stripe lock.
   */
  private boolean unlink(int slot, Entry e) {
    if (!index.removeIfSame(slot, e)) {
      return false;
    }
    entries.decrement();
    queue(WriteTask.remove(e));
    return true;
  }

  /**
   * Removes {@code e} if its key still maps to it and uncounts it, without queueing a task: for
   * the maintenance paths, which update the policy themselves under the eviction lock.
   */
  private boolean unlinkFromMaintenance(Entry e) {
    int slot = e.slot();
    synchronized (lock(slot)) {
      if (!index.removeIfSame(slot, e)) {
        return false;
      }
      entries.decrement();
      return true;
    }
  }

  /* --------------- Whole-cache and per-slot operations --------------- */

  @Override
  public long size() {
    return entries.sum();
  }

  @Override
  public long weightedSize() {
    return weightedSize;
  }

  @Override
  public long expiringSize() {
    return expiring;
  }

  @Override
  public void setMaxMemory(long bytes) {
    CacheConfig updated = config.toBuilder().maxMemory(bytes).build();
    evictionLock.lock();
    try {
      config = updated;
      policy.setMaximum(bytes);
    } finally {
      evictionLock.unlock();
    }
    drainNow();
  }

  @Override
  public void setPolicy(EvictionPolicyKind kind) {
    CacheConfig updated = config.toBuilder().policy(kind).build();
    evictionLock.lock();
    try {
      maintenance();
      EvictionPolicy next = EvictionPolicies.create(kind, updated.maxMemory());
      List<PolicyNode> resident = new ArrayList<>();
      policy.forEach(resident::add);
      for (PolicyNode node : resident) {
        policy.onRemove(node);
        next.onAdd(node);
      }
      if (recordingReads) {
        next.onReadRecordingStarted();
      }
      policy = next;
      config = updated;
    } finally {
      evictionLock.unlock();
    }
    drainNow();
    log.info("cache '{}': policy is now {}", name, kind.configName());
  }

  @Override
  public void purge() {
    for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
      clearSlot(slot);
      if (slot % PURGE_BATCH == PURGE_BATCH - 1) {
        drainNow();
      }
    }
    drainNow();
  }

  @Override
  public int removeSlot(int slot) {
    checkSlot(slot);
    int removed = clearSlot(slot);
    drainNow();
    return removed;
  }

  private int clearSlot(int slot) {
    if (index.count(slot) == 0) {
      return 0;
    }
    List<Entry> removed = new ArrayList<>();
    synchronized (lock(slot)) {
      index.clear(slot, e -> {
        entries.decrement();
        queue(WriteTask.remove(e));
        removed.add(e);
      });
    }
    for (Entry e : removed) {
      notifyRemoval(e, RemovalCause.PURGED);
    }
    return removed.size();
  }

  @Override
  public long scan(long cursor, int count, Consumer<byte[]> keys) {
    if (cursor < 0 || cursor >= KeySlot.SLOTS) {
      throw new IllegalArgumentException(
          "cursor: " + cursor + " (expected: 0 to " + (KeySlot.SLOTS - 1) + ")");
    }
    long now = clock.millis();
    int[] seen = {0};
    int slot = (int) cursor;
    Consumer<Entry> visit = e -> {
      if (!e.isExpired(now)) {
        keys.accept(e.key());
        seen[0]++;
      }
    };
    while (slot < KeySlot.SLOTS && seen[0] < Math.max(1, count)) {
      index.forEach(slot, visit);
      slot++;
    }
    return slot >= KeySlot.SLOTS ? 0 : slot;
  }

  @Override
  public int countKeysInSlot(int slot) {
    checkSlot(slot);
    return index.count(slot);
  }

  @Override
  public void forEachKeyInSlot(int slot, Consumer<byte[]> keys) {
    checkSlot(slot);
    long now = clock.millis();
    index.forEach(slot, e -> {
      if (!e.isExpired(now)) {
        keys.accept(e.key());
      }
    });
  }

  @Override
  public void forEachEntryInSlot(int slot, EntryVisitor visitor) {
    checkSlot(slot);
    long now = clock.millis();
    synchronized (lock(slot)) {
      index.forEach(slot, e -> {
        if (!e.isExpired(now)) {
          visitor.visit(e.data, e.keyOffset(), e.keyLength(), e.valueLength(), e.expireAt());
        }
      });
    }
  }

  @Override
  public byte[] randomKey() {
    if (entries.sum() <= 0) {
      return null;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long now = clock.millis();
    int start = random.nextInt(KeySlot.SLOTS);
    for (int i = 0; i < KeySlot.SLOTS; i++) {
      int slot = (start + i) & (KeySlot.SLOTS - 1);
      int capacity = index.capacity(slot);
      if (capacity == 0) {
        continue;
      }
      int offset = random.nextInt(capacity);
      for (int j = 0; j < capacity; j++) {
        Entry e = index.entryAt(slot, offset + j);
        if (e != null && !e.isExpired(now)) {
          return e.key();
        }
      }
    }
    return null;
  }

  private static void checkSlot(int slot) {
    if (slot < 0 || slot >= KeySlot.SLOTS) {
      throw new IllegalArgumentException(
          "slot: " + slot + " (expected: 0 to " + (KeySlot.SLOTS - 1) + ")");
    }
  }

  @Override
  public CacheStats stats() {
    return new CacheStats(
        readBuffer.recorded() + unrecordedHits.sum() + droppedHits.sum(),
        misses.sum(),
        evictions.sum(),
        expirations.sum(),
        entries.sum(),
        weightedSize);
  }

  @Override
  public void cleanUp() {
    drainNow();
  }

  /** Returns the policy's exact weighted size after draining pending work (tests only). */
  long policyWeightForTesting() {
    evictionLock.lock();
    try {
      maintenance();
      return policy.weightedSize();
    } finally {
      evictionLock.unlock();
    }
  }

  /** Returns the summed weight of every entry in the table (tests only). */
  long tableWeightForTesting() {
    long[] total = {0};
    for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
      index.forEach(slot, e -> total[0] += e.weight());
    }
    return total[0];
  }

  /* --------------- Maintenance --------------- */

  /** Queues a policy task; caller holds the key's stripe lock, so one key's tasks stay in order. */
  private void queue(WriteTask task) {
    writeBuffer.add(task);
    pendingWrites.incrementAndGet();
  }

  /**
   * Applies pending work and evicts to the budget, unless another thread holds the eviction lock:
   * that thread looks at the write buffer again after it unlocks, so it applies this write's task
   * before its own write returns. A writer waits for the lock only when more than
   * {@link #WRITE_BUFFER_MAX} tasks are pending, which bounds how far a burst of concurrent
   * writes can overshoot the budget. Once no write is in flight, the cache is within budget.
   */
  private void afterWrite() {
    do {
      if (evictionLock.tryLock()) {
        runMaintenanceAndUnlock();
      } else if (pendingWrites.get() > WRITE_BUFFER_MAX) {
        evictionLock.lock();
        runMaintenanceAndUnlock();
      } else {
        return;
      }
    } while (!writeBuffer.isEmpty());
  }

  /** Applies pending work and evicts to the budget; waits for the eviction lock. */
  private void drainNow() {
    do {
      evictionLock.lock();
      runMaintenanceAndUnlock();
    } while (!writeBuffer.isEmpty());
  }

  /**
   * Applies pending work if no other thread is doing it, and again while writes are pending: a
   * writer that found the lock taken meanwhile left its task to the holder (see
   * {@link #afterWrite}).
   */
  private void tryMaintenance() {
    while (evictionLock.tryLock()) {
      runMaintenanceAndUnlock();
      if (writeBuffer.isEmpty()) {
        return;
      }
    }
  }

  /** Queues a drain of the buffers on the executor unless one is queued; inline if refused. */
  private void scheduleDrain() {
    if (drainScheduled.get() || !drainScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(drainTask);
    } catch (RejectedExecutionException e) {
      drainScheduled.set(false);
      tryMaintenance();
    }
  }

  private void runScheduledDrain() {
    try {
      evictionLock.lock();
      runMaintenanceAndUnlock();
    } finally {
      drainScheduled.set(false);
    }
    if (!writeBuffer.isEmpty()) {
      // A writer may have found the lock taken by this drain and left its task to it.
      tryMaintenance();
    }
  }

  private void runMaintenanceAndUnlock() {
    Entry[] notifyEntries = null;
    RemovalCause[] notifyCauses = null;
    try {
      maintenance();
      if (!removedEntries.isEmpty()) {
        notifyEntries = removedEntries.toArray(new Entry[0]);
        notifyCauses = removedCauses.toArray(new RemovalCause[0]);
        removedEntries.clear();
        removedCauses.clear();
      }
    } finally {
      evictionLock.unlock();
    }
    if (notifyEntries != null) {
      for (int i = 0; i < notifyEntries.length; i++) {
        notifyListener(notifyEntries[i], notifyCauses[i]);
      }
    }
  }

  /** Replays buffered reads and writes, expires due entries and evicts; under the lock. */
  private void maintenance() {
    readBuffer.drainTo(accessRecorder);
    applyQueuedWrites();
    wheel.advance(clock.millis(), EXPIRY_BUDGET, expirer);
    int timed = wheel.scheduled();
    if (timed != expiring) {
      expiring = timed;
    }
    policy.evict(evictor);
    long size = policy.weightedSize();
    weightedSize = size;
    if (!recordingReads && size >= policy.maximum() >>> 1) {
      recordingReads = true;
      policy.onReadRecordingStarted();
    }
  }

  private void recordAccess(Entry entry) {
    policy.onAccess(entry);
  }

  /** Applies the queued write tasks in queue order; under the eviction lock. */
  private void applyQueuedWrites() {
    WriteTask task;
    int applied = 0;
    while ((task = writeBuffer.poll()) != null) {
      apply(task.kind(), task.old(), task.entry());
      applied++;
    }
    if (applied != 0) {
      pendingWrites.addAndGet(-applied);
    }
  }

  /** Applies one write to the policy and the timer wheel; under the eviction lock. */
  private void apply(WriteTask.Kind kind, Entry old, Entry entry) {
    switch (kind) {
      case ADD -> applyAdd(entry);
      case REPLACE -> applyReplace(old, entry);
      case REMOVE -> applyRemove(old);
      case OVERWRITE -> recordAccess(entry);
    }
  }

  private void applyAdd(Entry entry) {
    policy.onAdd(entry);
    if (entry instanceof TimedEntry t) {
      wheel.schedule(t);
    }
  }

  private void applyReplace(Entry old, Entry entry) {
    policy.onReplace(old, entry);
    if (old instanceof TimedEntry t) {
      wheel.deschedule(t);
    }
    if (entry instanceof TimedEntry t) {
      wheel.schedule(t);
    }
  }

  private void applyRemove(Entry old) {
    policy.onRemove(old);
    if (old instanceof TimedEntry t) {
      wheel.deschedule(t);
    }
  }

  /** Removes an entry the policy chose; called by the policy under the eviction lock. */
  private void evictVictim(PolicyNode node) {
    Entry e = (Entry) node;
    boolean removed = unlinkFromMaintenance(e);
    if (e instanceof TimedEntry t) {
      wheel.deschedule(t);
    }
    if (removed) {
      evictions.increment();
      if (notifying) {
        removedEntries.add(e);
        removedCauses.add(RemovalCause.EVICTED);
      }
    }
  }

  /** Removes an entry whose time ran out; called by the wheel under the eviction lock. */
  private void expireFromWheel(TimedEntry e) {
    boolean removed = unlinkFromMaintenance(e);
    policy.onRemove(e);
    if (removed) {
      expirations.increment();
      if (notifying) {
        removedEntries.add(e);
        removedCauses.add(RemovalCause.EXPIRED);
      }
    }
  }

  /** Counts an expiration and tells the listener of a removal; never throws. */
  private void notifyRemoval(Entry e, RemovalCause cause) {
    if (cause == RemovalCause.EXPIRED) {
      expirations.increment();
    }
    notifyListener(e, cause);
  }

  /** Tells the listener of a removal already counted; never throws. */
  private void notifyListener(Entry e, RemovalCause cause) {
    if (!notifying || (automaticOnly && !cause.wasAutomatic())) {
      return;
    }
    try {
      listener.onRemoval(e.key(), e.value(), cause);
    } catch (RuntimeException ex) {
      log.warn("cache '{}': removal listener failed for a {} entry", name, cause, ex);
    }
  }

  /* --------------- The entry view for compute --------------- */

  /** What a mutator saw and asked for; applied by {@link #compute} under the stripe lock. */
  private final class Mutation implements MutableEntry {
    private final Entry live;
    private final long now;
    byte[] newValue;
    boolean valueSet;
    long newExpire;
    boolean expireSet;
    boolean removed;

    Mutation(Entry live, long now) {
      this.live = live;
      this.now = now;
    }

    boolean changed() {
      return valueSet || expireSet || removed;
    }

    long resolvedExpiry() {
      if (expireSet) {
        return resolveExpiry(newExpire, now);
      }
      return live != null ? live.expireAt() : resolveExpiry(DEFAULT_TTL, now);
    }

    @Override
    public boolean exists() {
      return valueSet || (live != null && !removed);
    }

    private void requireExists() {
      if (!exists()) {
        throw new IllegalStateException("the key has no live value");
      }
    }

    @Override
    public byte[] value() {
      requireExists();
      return valueSet ? newValue.clone() : live.value();
    }

    @Override
    public byte[] valueArray() {
      requireExists();
      return valueSet ? newValue : live.data;
    }

    @Override
    public int valueOffset() {
      requireExists();
      return valueSet ? 0 : live.valueOffset();
    }

    @Override
    public int valueLength() {
      requireExists();
      return valueSet ? newValue.length : live.valueLength();
    }

    @Override
    public long expireAt() {
      requireExists();
      return resolvedExpiry();
    }

    @Override
    public void setValue(byte[] value) {
      newValue = Objects.requireNonNull(value, "value");
      valueSet = true;
      removed = false;
    }

    @Override
    public void setValue(byte[] value, long expireAtMillis) {
      setValue(value);
      setExpiry(expireAtMillis);
    }

    @Override
    public void setExpireAt(long expireAtMillis) {
      requireExists();
      setExpiry(expireAtMillis);
    }

    private void setExpiry(long expireAtMillis) {
      if (expireAtMillis < NO_EXPIRY && expireAtMillis != DEFAULT_TTL) {
        throw new IllegalArgumentException(
            "expireAt: " + expireAtMillis + " (expected: >= -1 or -3)");
      }
      newExpire = expireAtMillis;
      expireSet = true;
    }

    @Override
    public void remove() {
      removed = true;
      valueSet = false;
      newValue = null;
      expireSet = false;
    }
  }
}
