package io.tiercel.core.backing;

import io.tiercel.core.SuppressForbidden;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one backed cache; {@link #snapshot} turns them into {@link StoreStats}. */
public final class StoreMetrics {
  final LongAdder loads = new LongAdder();
  final LongAdder loadHits = new LongAdder();
  final LongAdder loadNanos = new LongAdder();
  final LongAdder loadErrors = new LongAdder();
  final LongAdder writesThrough = new LongAdder();
  final LongAdder writeErrors = new LongAdder();
  final LongAdder enqueued = new LongAdder();
  final LongAdder coalesced = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder flushes = new LongAdder();
  final LongAdder flushedEntries = new LongAdder();
  final LongAdder flushNanos = new LongAdder();
  final LongAdder flushFailures = new LongAdder();
  final AtomicLong maxBatch = new AtomicLong();
  volatile String lastError = "";

  /** Returns a monotonic timestamp in nanoseconds, for latency metrics only (never behaviour). */
  @SuppressForbidden(reason = "latency metrics only; no decision depends on it")
  static long ticks() {
    return System.nanoTime();
  }

  void error(Throwable t) {
    String m = t.getMessage();
    lastError = (m == null ? t.getClass().getSimpleName() : m).replace('\r', ' ').replace('\n', ' ');
  }

  void batch(int size, long nanos) {
    flushes.increment();
    flushedEntries.add(size);
    flushNanos.add(nanos);
    maxBatch.accumulateAndGet(size, Math::max);
  }

  /** Returns the counters now, with the queue's pending count and journal size. */
  public StoreStats snapshot(long pending, long journalBytes, long statements) {
    long f = flushes.sum();
    long l = loads.sum();
    long fn = flushNanos.sum();
    long ln = loadNanos.sum();
    return new StoreStats(pending, journalBytes, enqueued.sum(), coalesced.sum(), rejected.sum(),
        f, flushedEntries.sum(), f == 0 ? 0 : fn / f / 1000, maxBatch.get(),
        flushFailures.sum(), l, loadHits.sum(), l == 0 ? 0 : ln / l / 1000,
        loadErrors.sum(), writesThrough.sum(), writeErrors.sum(), statements, lastError, fn, ln);
  }
}
