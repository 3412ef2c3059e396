package io.tiercel.server.command;

import com.sun.management.ThreadMXBean;
import io.tiercel.core.Cache;
import java.lang.management.ManagementFactory;

/**
 * The memory figures a node reports, read once for INFO's memory section and for MEMORY STATS and
 * MEMORY DOCTOR, so they all tell the same numbers.
 *
 * @param cacheBytes the caches' accounted bytes (keys, values and per-entry overhead): INFO's
 *     {@code used_memory}
 * @param keys the entries of every cache, expired ones not yet swept included
 * @param budgets the caches' {@code maxmemory} budgets added up
 * @param caches how many caches the node serves
 * @param heapUsed the JVM heap in use, garbage not yet collected included ({@code jvm_heap_used})
 * @param heapCommitted the heap the JVM holds from the system ({@code used_memory_rss})
 * @param heapMax the most the heap may grow to ({@code jvm_heap_max}), {@link Long#MAX_VALUE} if
 *     the JVM sets no limit
 * @param allocated the bytes every thread of the JVM has allocated since it started, live or
 *     collected ({@code jvm_allocated_bytes}), or -1 if the JVM does not count them: its rate is
 *     what sets how often the collector runs
 */
record NodeMemory(long cacheBytes, long keys, long budgets, int caches, long heapUsed,
    long heapCommitted, long heapMax, long allocated) {

  /** Reads the figures of {@code n} now. */
  static NodeMemory of(Node n) {
    long bytes = 0;
    long keys = 0;
    long budgets = 0;
    int caches = 0;
    for (String name : n.caches.names()) {
      Cache c = n.caches.get(name);
      if (c != null) {
        bytes += c.weightedSize();
        keys += c.size();
        budgets += c.config().maxMemory();
        caches++;
      }
    }
    Runtime rt = Runtime.getRuntime();
    long committed = rt.totalMemory();
    return new NodeMemory(bytes, keys, budgets, caches, committed - rt.freeMemory(), committed,
        rt.maxMemory(), allocatedBytes());
  }

  /** Returns the bytes all threads have allocated so far, or -1 if this JVM does not count them. */
  private static long allocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof ThreadMXBean threads
        && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
      return threads.getTotalThreadAllocatedBytes();
    }
    return -1;
  }
}
