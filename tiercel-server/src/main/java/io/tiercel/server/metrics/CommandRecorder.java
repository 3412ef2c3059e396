package io.tiercel.server.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The command counts and latency histograms of one thread (an event loop), written by that
 * thread alone with plain increments and read by scrapes from any thread.
 *
 * <p>Design: a Micrometer counter or timer is shared by every loop, so each record pays for
 * contention-safe adders, a binary search over the buckets in doubles and a time-window max. Here
 * every slot has one writer: {@code setOpaque(get + 1)} is an ordinary load and store on x86, and
 * opaque access makes each 64-bit value read whole by the scraping thread (no torn reads; a
 * scrape may see one loop's last few increments a moment late, never lose them). The bucket of a
 * latency is found by a linear scan from the smallest bound, which nearly every command passes
 * at the first compare.
 *
 * <p>Layout: {@link #counts} holds one slot per (command row, result); {@link #latency} holds,
 * per kind, {@code bounds.length + 1} bucket counts (the last is {@code +Inf}), then the sum of
 * nanoseconds, then the largest value of the current max window and that window's number.
 */
final class CommandRecorder {
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] bounds;
  private final int stride;
  private final long[] counts;
  private final long[] latency;

  /** Creates a recorder of {@code counters} counters and {@code kinds} histograms. */
  CommandRecorder(int counters, int kinds, long[] boundsNanos) {
    this.bounds = boundsNanos;
    this.stride = boundsNanos.length + 4;
    this.counts = new long[counters];
    this.latency = new long[kinds * stride];
  }

  /**
   * Counts one command in counter {@code counter} and its latency in histogram {@code kind};
   * {@code maxWindow} is the window a new maximum belongs to. Returns true when this was the
   * counter's first count on this recorder (the caller then makes sure the counter is
   * registered).
   */
  boolean record(int counter, int kind, long nanos, long maxWindow) {
    long c = (long) LONGS.getOpaque(counts, counter);
    LONGS.setOpaque(counts, counter, c + 1);
    long[] b = bounds;
    int bucket = 0;
    while (bucket < b.length && nanos > b[bucket]) {
      bucket++;
    }
    int base = kind * stride;
    long[] l = latency;
    LONGS.setOpaque(l, base + bucket, (long) LONGS.getOpaque(l, base + bucket) + 1);
    int sum = base + b.length + 1;
    LONGS.setOpaque(l, sum, (long) LONGS.getOpaque(l, sum) + nanos);
    int max = sum + 1;
    if ((long) LONGS.getOpaque(l, max + 1) != maxWindow) {
      LONGS.setOpaque(l, max, nanos);
      LONGS.setOpaque(l, max + 1, maxWindow);
    } else if (nanos > (long) LONGS.getOpaque(l, max)) {
      LONGS.setOpaque(l, max, nanos);
    }
    return c == 0;
  }

  /** Returns counter {@code counter}. */
  long count(int counter) {
    return (long) LONGS.getOpaque(counts, counter);
  }

  /** Adds this recorder's bucket counts of {@code kind} (not cumulative) into {@code into}. */
  void addBuckets(int kind, long[] into) {
    int base = kind * stride;
    for (int i = 0; i <= bounds.length; i++) {
      into[i] += (long) LONGS.getOpaque(latency, base + i);
    }
  }

  /** Returns the sum of the recorded latencies of {@code kind}, in nanoseconds. */
  long sumNanos(int kind) {
    return (long) LONGS.getOpaque(latency, kind * stride + bounds.length + 1);
  }

  /** Returns the largest latency of {@code kind} recorded in window {@code window}, or 0. */
  long maxNanos(int kind, long window) {
    int max = kind * stride + bounds.length + 2;
    long value = (long) LONGS.getOpaque(latency, max);
    return (long) LONGS.getOpaque(latency, max + 1) == window ? value : 0;
  }
}
