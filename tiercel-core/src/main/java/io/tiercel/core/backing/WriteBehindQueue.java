package io.tiercel.core.backing;

import io.tiercel.core.ByteKey;
import io.tiercel.core.Clock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-behind (and write-back) queue: coalesces writes per key, journals each before it is
 * acknowledged, and stores them from a daemon thread in batches, retrying with backoff.
 *
 * <p>Design. {@code pending} maps each key to its latest change in first-write order, so a key
 * written a thousand times between flushes costs one row, and the oldest keys flush first. A
 * write is appended to the {@link WriteJournal} before it enters the map; {@link #enqueue} returns
 * the record's ticket and the caller acknowledges the write only once the ticket is durable
 * ({@link #awaitDurable}, {@link #whenDurable}: group commit, one {@code write()} for every
 * write that arrived meanwhile); a crash therefore loses nothing, and {@link #start} replays the
 * journal into the map. The flusher takes up to {@code batch-size} unparked entries when a batch
 * is full, the oldest has waited {@code flush-interval}, or someone asked; it stores them with one
 * {@code storeAll} and one {@code deleteAll}, outside the lock. On failure the batch goes back
 * (unless a newer write of the key arrived meanwhile, which wins) and the next attempt waits
 * {@code retry-min} doubling to {@code retry-max}; reads keep being served from the cache and from
 * this queue ({@link #lookup}) while the database is down. When a flush empties the queue the
 * journal is truncated; a journal grown past its threshold is rewritten to the pending writes.
 * The journal's read-write gate makes truncation wait for appends in progress, so no record of an
 * acknowledged write is ever cut.
 *
 * <p>Bound and back-pressure: at most {@code queue-bound} distinct keys wait. A write of a new key
 * to a full queue asks for a flush and waits up to {@code full-timeout} for room (on-full=block),
 * or fails at once (on-full=error), with {@link WriteQueueFullException}; it is never journaled.
 *
 * <p>Write-back: entries are enqueued {@code parked} and are not flushed until {@link #release}
 * (their cache entry was evicted, expired or purged) or shutdown; a full queue releases its oldest
 * parked entries first, so write-back degrades into early write-behind instead of blocking.
 * Callers serialize writes of one key (the key-affinity executor does), which keeps the journal's
 * and the map's order of one key's writes the same.
 */
public final class WriteBehindQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBehindQueue.class);
  /** The longest the flusher sleeps before it looks at the (maybe manual) clock again. */
  private static final long POLL_MILLIS = 50;
  private static final long COMPACT_BYTES = 64L << 20;

  private final String name;
  private final BackingStore store;
  private final WriteJournal journal;
  private final Clock clock;
  private final StoreOptions options;
  private final StoreMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition room = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private final ReentrantReadWriteLock journalGate = new ReentrantReadWriteLock();
  private final LinkedHashMap<ByteKey, PendingWrite> pending = new LinkedHashMap<>();
  private final Map<ByteKey, PendingWrite> inFlight = new HashMap<>();
  private int unparked;
  private int reserved;
  private int waitingForRoom;
  private long firstUnparkedMillis;
  private long retryAtMillis;
  private int failures;
  private long attempts;
  private boolean flushRequested;
  /** True from a successful batch until the journal is truncated or compacted after it. */
  private boolean maintaining;
  private volatile boolean stopping;
  private Thread flusher;

  /** Creates a queue storing into {@code store} and journaling into {@code journal}. */
  public WriteBehindQueue(String name, BackingStore store, WriteJournal journal, Clock clock,
      StoreOptions options, StoreMetrics metrics) {
    this.name = name;
    this.store = store;
    this.journal = journal;
    this.clock = clock;
    this.options = options;
    this.metrics = metrics;
  }

  /** Replays the journal into the queue (to be flushed) and starts the flusher; returns replayed. */
  public int start() throws IOException {
    int[] replayed = {0};
    lock.lock();
    try {
      journal.replay((key, value) -> {
        put(ByteKey.of(key), new PendingWrite(key, value, false));
        replayed[0]++;
      });
      if (unparked > 0) {
        flushRequested = true;
      }
    } finally {
      lock.unlock();
    }
    flusher = new Thread(this::runFlusher, "tiercel-flush-" + name);
    flusher.setDaemon(true);
    flusher.start();
    if (replayed[0] > 0) {
      LOG.info("cache {}: replayed {} journaled writes ({} keys) to flush", name, replayed[0],
          pendingCount());
    }
    return replayed[0];
  }

  /**
   * Queues {@code value} (null: delete) for {@code key}; returns the journal ticket that must be
   * durable before the write is acknowledged (0: nothing to wait for).
   *
   * @throws WriteQueueFullException if the queue stays full
   * @throws BackingStoreException if the journal cannot be written
   */
  public long enqueue(byte[] key, byte[] value, boolean parked) {
    ByteKey k = ByteKey.of(key);
    boolean isNew = reserve(k);
    long ticket;
    journalGate.readLock().lock();
    try {
      try {
        ticket = journal.append(key, value);
      } catch (IOException e) {
        lock.lock();
        try {
          if (isNew) {
            reserved--;
            room.signalAll();
          }
        } finally {
          lock.unlock();
        }
        metrics.error(e);
        throw new BackingStoreException("write journal failed: " + e.getMessage(), e);
      }
      lock.lock();
      try {
        if (isNew) {
          reserved--;
        }
        if (put(k, new PendingWrite(key, value, parked)) != null) {
          metrics.coalesced.increment();
        }
        metrics.enqueued.increment();
        if (unparked >= options.batchSize()) {
          work.signal();
        }
      } finally {
        lock.unlock();
      }
    } finally {
      journalGate.readLock().unlock();
    }
    return ticket;
  }

  /**
   * Returns once the journal record of {@code ticket} is durable, leading the group commit in
   * this thread if no one else is.
   *
   * @throws BackingStoreException if the journal cannot be written
   */
  public void awaitDurable(long ticket) {
    try {
      journal.sync(ticket);
    } catch (IOException e) {
      metrics.error(e);
      throw new BackingStoreException("write journal failed: " + e.getMessage(), e);
    }
  }

  /**
   * Returns a future completed once the journal record of {@code ticket} is durable (without
   * blocking the caller), or failed with a {@link BackingStoreException}.
   */
  public CompletableFuture<Void> whenDurable(long ticket) {
    CompletableFuture<Void> f = journal.whenDurable(ticket);
    if (f.isDone() && !f.isCompletedExceptionally()) {
      return f;
    }
    return f.exceptionallyCompose(e -> {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      metrics.error(cause);
      return CompletableFuture.failedFuture(
          new BackingStoreException("write journal failed: " + cause.getMessage(), cause));
    });
  }

  /** Puts a change in the map keeping the key's first-write position; returns the old one. */
  private PendingWrite put(ByteKey k, PendingWrite w) {
    PendingWrite old = pending.put(k, w);
    if (old != null && !old.parked()) {
      unparked--;
    }
    if (!w.parked()) {
      if (unparked++ == 0) {
        firstUnparkedMillis = clock.millis();
      }
    }
    return old;
  }

  /** Reserves room for a key not yet pending, waiting or failing per on-full; true if new. */
  private boolean reserve(ByteKey k) {
    lock.lock();
    try {
      if (pending.containsKey(k)) {
        return false;
      }
      long nanos = TimeUnit.MILLISECONDS.toNanos(options.fullTimeout().toMillis());
      while (pending.size() + reserved >= options.queueBound()) {
        releaseOldestParked();
        flushRequested = true;
        work.signal();
        if (!options.blockWhenFull() || nanos <= 0 || stopping) {
          metrics.rejected.increment();
          throw new WriteQueueFullException("write-behind queue of cache '" + name
              + "' is full (" + options.queueBound() + " pending keys; the database is "
              + (failures > 0 ? "failing: " + metrics.lastError : "slower than the writes") + ")");
        }
        waitingForRoom++;
        try {
          nanos = room.awaitNanos(nanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WriteQueueFullException("interrupted while waiting for queue room");
        } finally {
          waitingForRoom--;
        }
        if (pending.containsKey(k)) {
          return false;
        }
      }
      reserved++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void releaseOldestParked() {
    int budget = options.batchSize();
    for (Map.Entry<ByteKey, PendingWrite> e : pending.entrySet()) {
      if (budget == 0) {
        return;
      }
      PendingWrite w = e.getValue();
      if (w.parked()) {
        e.setValue(new PendingWrite(w.key(), w.value(), false));
        if (unparked++ == 0) {
          firstUnparkedMillis = clock.millis();
        }
        budget--;
      }
    }
  }

  /** Lets a parked (write-back) entry be flushed: its cache entry is gone. */
  public void release(byte[] key) {
    lock.lock();
    try {
      ByteKey k = ByteKey.of(key);
      PendingWrite w = pending.get(k);
      if (w != null && w.parked()) {
        pending.put(k, new PendingWrite(w.key(), w.value(), false));
        if (unparked++ == 0) {
          firstUnparkedMillis = clock.millis();
        }
        if (unparked >= options.batchSize()) {
          work.signal();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Returns the newest queued change of {@code key} (pending or being stored), or null. */
  public PendingWrite lookup(byte[] key) {
    ByteKey k = ByteKey.of(key);
    lock.lock();
    try {
      PendingWrite w = pending.get(k);
      return w != null ? w : inFlight.get(k);
    } finally {
      lock.unlock();
    }
  }

  /** Returns the number of keys waiting, including the batch being stored. */
  public int pendingCount() {
    lock.lock();
    try {
      return pending.size() + inFlight.size();
    } finally {
      lock.unlock();
    }
  }

  /** Returns the journal's size in bytes. */
  public long journalBytes() {
    return journal.sizeBytes();
  }

  /**
   * Asks for every unparked write (every write if {@code includeParked}) to be stored now and
   * waits up to {@code timeoutMillis}; returns whether the queue got there (false as soon as an
   * attempt made after this request fails: the database is down, the writes stay queued).
   */
  public boolean flush(boolean includeParked, long timeoutMillis) {
    lock.lock();
    try {
      if (includeParked) {
        for (Map.Entry<ByteKey, PendingWrite> e : pending.entrySet()) {
          PendingWrite w = e.getValue();
          if (w.parked()) {
            e.setValue(new PendingWrite(w.key(), w.value(), false));
            if (unparked++ == 0) {
              firstUnparkedMillis = clock.millis();
            }
          }
        }
      }
      flushRequested = true;
      retryAtMillis = 0;
      work.signal();
      long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      long startAttempts = attempts;
      while (unparked > 0 || !inFlight.isEmpty() || maintaining) {
        if (nanos <= 0 || (failures > 0 && attempts > startAttempts)) {
          return false;
        }
        try {
          nanos = progress.awaitNanos(nanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void runFlusher() {
    while (!stopping) {
      List<PendingWrite> batch;
      lock.lock();
      try {
        long now = clock.millis();
        boolean due = unparked > 0 && now >= retryAtMillis
            && (unparked >= options.batchSize() || flushRequested || waitingForRoom > 0
                || now - firstUnparkedMillis >= options.flushInterval().toMillis());
        if (!due) {
          try {
            work.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        batch = takeBatch();
      } finally {
        lock.unlock();
      }
      boolean ok = write(batch);
      afterWrite(batch, ok);
    }
  }

  private List<PendingWrite> takeBatch() {
    List<PendingWrite> batch = new ArrayList<>(Math.min(unparked, options.batchSize()));
    Iterator<Map.Entry<ByteKey, PendingWrite>> it = pending.entrySet().iterator();
    while (it.hasNext() && batch.size() < options.batchSize()) {
      Map.Entry<ByteKey, PendingWrite> e = it.next();
      if (!e.getValue().parked()) {
        batch.add(e.getValue());
        inFlight.put(e.getKey(), e.getValue());
        it.remove();
        unparked--;
      }
    }
    if (unparked == 0) {
      flushRequested = false;
    } else {
      firstUnparkedMillis = clock.millis();
    }
    attempts++;
    return batch;
  }

  private boolean write(List<PendingWrite> batch) {
    Map<ByteKey, byte[]> puts = new LinkedHashMap<>();
    List<ByteKey> deletes = new ArrayList<>();
    for (PendingWrite w : batch) {
      if (w.isDelete()) {
        deletes.add(ByteKey.of(w.key()));
      } else {
        puts.put(ByteKey.of(w.key()), w.value());
      }
    }
    long start = StoreMetrics.ticks();
    try {
      if (!puts.isEmpty()) {
        store.storeAll(puts);
      }
      if (!deletes.isEmpty()) {
        store.deleteAll(deletes);
      }
      metrics.batch(batch.size(), StoreMetrics.ticks() - start);
      return true;
    } catch (RuntimeException e) {
      metrics.flushFailures.increment();
      metrics.error(e);
      LOG.warn("cache {}: storing {} queued writes failed (retrying): {}", name, batch.size(),
          e.getMessage());
      return false;
    }
  }

  private void afterWrite(List<PendingWrite> batch, boolean ok) {
    boolean empty;
    lock.lock();
    try {
      if (ok) {
        failures = 0;
        retryAtMillis = 0;
      } else {
        failures++;
        long backoff = options.retryMin().toMillis() << Math.min(failures - 1, 20);
        retryAtMillis = clock.millis() + Math.min(backoff, options.retryMax().toMillis());
        for (PendingWrite w : batch) {
          ByteKey k = ByteKey.of(w.key());
          if (!pending.containsKey(k)) {
            put(k, new PendingWrite(w.key(), w.value(), false));
          }
        }
      }
      inFlight.clear();
      empty = pending.isEmpty();
      maintaining = ok;
      room.signalAll();
      progress.signalAll();
    } finally {
      lock.unlock();
    }
    if (ok) {
      try {
        maintainJournal(empty);
      } finally {
        lock.lock();
        try {
          maintaining = false;
          progress.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** Truncates the journal when nothing is pending, or compacts one grown too large. */
  private void maintainJournal(boolean empty) {
    if (!empty && journal.sizeBytes() < COMPACT_BYTES) {
      return;
    }
    journalGate.writeLock().lock();
    try {
      Collection<PendingWrite> snapshot;
      lock.lock();
      try {
        if (pending.isEmpty() && inFlight.isEmpty()) {
          snapshot = null;
        } else {
          snapshot = new ArrayList<>(pending.values());
        }
      } finally {
        lock.unlock();
      }
      if (snapshot == null) {
        journal.reset();
      } else if (journal.sizeBytes() >= COMPACT_BYTES) {
        journal.rewrite(snapshot);
      }
    } catch (IOException e) {
      metrics.error(e);
      LOG.warn("cache {}: journal maintenance failed: {}", name, e.getMessage());
    } finally {
      journalGate.writeLock().unlock();
    }
  }

  /**
   * Stores everything still queued (parked entries too), waiting up to {@code timeoutMillis};
   * what the database does not take stays in the journal for the next start. Then stops.
   */
  public boolean shutdown(long timeoutMillis) {
    boolean flushed = flush(true, timeoutMillis);
    stopping = true;
    lock.lock();
    try {
      work.signalAll();
      room.signalAll();
    } finally {
      lock.unlock();
    }
    if (flusher != null) {
      try {
        flusher.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      journal.close();
    } catch (IOException e) {
      LOG.warn("cache {}: closing the journal failed", name, e);
    }
    if (!flushed) {
      LOG.warn("cache {}: {} writes not yet stored stay in the journal", name, pendingCount());
    }
    return flushed;
  }

  @Override
  public void close() {
    shutdown(30_000);
  }
}
