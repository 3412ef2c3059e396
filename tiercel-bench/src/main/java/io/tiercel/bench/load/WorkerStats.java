package io.tiercel.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * What one worker's receiving thread records: a latency recorder (nanoseconds, 3 significant
 * digits) per successful outcome (hit, miss, stored), whose counts are the success counts, and a
 * counter per error kind with its first message. The coordinating thread takes interval
 * histograms and error counts without stopping the worker; since a success is counted only by its
 * histogram, counts and latencies always cover the same requests.
 */
final class WorkerStats {
  private final SingleWriterRecorder[] latency = new SingleWriterRecorder[Outcome.values().length];
  private final Histogram[] recycled = new Histogram[Outcome.values().length];
  private final AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);
  private final AtomicReferenceArray<String> firstMessage =
      new AtomicReferenceArray<>(Outcome.values().length);

  WorkerStats() {
    for (int i = 0; i < latency.length; i++) {
      latency[i] = new SingleWriterRecorder(3);
    }
  }

  /** Records a request that succeeded with {@code outcome} and took {@code nanos}. */
  void recordSuccess(Outcome outcome, long nanos) {
    latency[outcome.ordinal()].recordValue(Math.max(1, nanos));
  }

  /** Counts one request that failed with {@code outcome}; {@code message} explains it. */
  void countError(Outcome outcome, String message) {
    outcomes.incrementAndGet(outcome.ordinal());
    if (message != null && firstMessage.get(outcome.ordinal()) == null) {
      firstMessage.compareAndSet(outcome.ordinal(), null, message);
    }
  }

  /** Adds the latencies of {@code outcome} recorded since the last call into {@code into}. */
  void drainLatency(Outcome outcome, Histogram into) {
    int i = outcome.ordinal();
    Histogram interval = latency[i].getIntervalHistogram(recycled[i]);
    into.add(interval);
    recycled[i] = interval;
  }

  /** Returns the count of every error outcome so far, indexed by ordinal. */
  long[] errors() {
    long[] counts = new long[outcomes.length()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = outcomes.get(i);
    }
    return counts;
  }

  /** Returns the first message recorded for {@code outcome}, or null. */
  String firstMessage(Outcome outcome) {
    return firstMessage.get(outcome.ordinal());
  }
}
