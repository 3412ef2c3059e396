package io.tiercel.core.backing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one backed cache's store counters, as {@code INFO store} and metrics show them.
 *
 * @param pendingWrites keys queued and not yet stored
 * @param journalBytes size of the pending-write journal
 * @param enqueued writes accepted into the queue
 * @param coalesced writes that replaced a pending write of the same key
 * @param rejected writes refused because the queue stayed full
 * @param flushes batches stored
 * @param flushedEntries entries stored by flushes
 * @param flushMicrosAvg mean time to store one batch
 * @param maxBatch largest batch stored
 * @param flushFailures batches that failed and were retried
 * @param loads database loads on misses
 * @param loadHits loads that found a value
 * @param loadMicrosAvg mean time of one load
 * @param loadErrors loads that failed
 * @param writesThrough writes stored synchronously (write-through)
 * @param writeErrors synchronous writes that failed
 * @param statements statements the store sent
 * @param lastError the last error's message, or empty
 * @param flushNanos total time spent storing batches
 * @param loadNanos total time spent loading
 */
public record StoreStats(long pendingWrites, long journalBytes, long enqueued, long coalesced,
    long rejected, long flushes, long flushedEntries, long flushMicrosAvg, long maxBatch,
    long flushFailures, long loads, long loadHits, long loadMicrosAvg, long loadErrors,
    long writesThrough, long writeErrors, long statements, String lastError, long flushNanos,
    long loadNanos) {

  /** Returns the mean entries per flushed batch. */
  public double batchSizeAvg() {
    return flushes == 0 ? 0 : (double) flushedEntries / flushes;
  }

  /** Returns the database errors: failed loads, synchronous writes and flushed batches. */
  public long dbErrors() {
    return loadErrors + writeErrors + flushFailures;
  }

  /** Returns the counters as ordered name-value pairs, names in INFO's snake case. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("pending_writes", Long.toString(pendingWrites));
    m.put("journal_bytes", Long.toString(journalBytes));
    m.put("enqueued", Long.toString(enqueued));
    m.put("coalesced", Long.toString(coalesced));
    m.put("rejected", Long.toString(rejected));
    m.put("flushes", Long.toString(flushes));
    m.put("flushed_entries", Long.toString(flushedEntries));
    m.put("batch_size_avg", String.format(java.util.Locale.ROOT, "%.1f", batchSizeAvg()));
    m.put("batch_size_max", Long.toString(maxBatch));
    m.put("flush_latency_us_avg", Long.toString(flushMicrosAvg));
    m.put("flush_failures", Long.toString(flushFailures));
    m.put("loads", Long.toString(loads));
    m.put("load_hits", Long.toString(loadHits));
    m.put("load_latency_us_avg", Long.toString(loadMicrosAvg));
    m.put("load_errors", Long.toString(loadErrors));
    m.put("writes_through", Long.toString(writesThrough));
    m.put("write_errors", Long.toString(writeErrors));
    m.put("db_errors", Long.toString(dbErrors()));
    m.put("statements", Long.toString(statements));
    m.put("last_error", lastError);
    return m;
  }
}
