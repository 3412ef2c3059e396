package io.tiercel.bench.memory;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.tiercel.bench.Args;
import io.tiercel.bench.BytesKey;
import io.tiercel.bench.UsageException;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.RemovalListener;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.openjdk.jol.info.GraphLayout;

/**
 * {@code bench memory}: fills one cache per policy with distinct keys and values and measures the
 * heap it retains, per entry and beyond the key and value bytes.
 *
 * <p>Two measurements, which should agree: the used heap after repeated full collections before
 * and after the fill, and JOL's walk of the cache's object graph ({@code GraphLayout}), which also
 * gives the footprint by class. Beside them stands what the cache's own accounting says per entry
 * ({@link Cache#weightedSize()}), so accounting and reality can be compared. The JVM flags in
 * effect are printed first: object headers and pointer compression change every number. Run:
 *
 * <pre>{@code
 * bin/tiercel bench memory --entries 1000000 --key-size 10 --value-size 100
 * bin/tiercel bench memory --churn --policy lru,arc,tinylfu,caffeine   # full and evicting
 * }</pre>
 */
public final class MemoryCommand {
  /** The flags, as printed by {@code tiercel bench} on a usage error. */
  public static final String USAGE =
      """
      --entries N             entries to fill each cache with (default 1000000)
      --key-size B            key bytes (default 10)
      --value-size B          value bytes (default 100)
      --policy P,...          of lru,arc,tinylfu,caffeine (default lru,arc,tinylfu)
      --churn                 size the cache to --entries and write twice as many keys, so
                              it is measured full and evicting (ghost lists, sketch in use)
      --no-jol                skip the JOL object-graph walk (heap delta only)
      --footprint N           print the N biggest classes of JOL's footprint (default 12)""";

  private MemoryCommand() {}

  /** Runs the measurement; returns 0, 1 if a measurement failed, 2 on usage. */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    Args args = Args.parse(argv,
        Set.of("entries", "key-size", "value-size", "policy", "footprint"),
        Set.of("no-jol", "churn"));
    int entries = args.positiveInt("entries", 1_000_000);
    int keySize = args.positiveInt("key-size", 10);
    int valueSize = args.nonNegativeInt("value-size", 100);
    int footprintLines = args.nonNegativeInt("footprint", 12);
    if (keySize < 8 && entries > (1L << (8 * keySize))) {
      throw new UsageException("--key-size: " + keySize + " bytes cannot hold " + entries
          + " distinct keys");
    }
    List<String> policies = args.list("policy");
    if (policies.isEmpty()) {
      policies = List.of("lru", "arc", "tinylfu");
    }
    for (String p : policies) {
      if (!List.of("lru", "arc", "tinylfu", "caffeine").contains(p)) {
        throw new UsageException("--policy: '" + p + "' (expected: lru, arc, tinylfu, caffeine)");
      }
    }
    boolean jol = !args.has("no-jol");
    boolean churn = args.has("churn");
    // Without an agent, JOL reads field offsets through Unsafe, which refuses records and hidden
    // classes on recent JDKs; JOL's own probing ("magic" offsets) works there. Set before JOL's
    // first use, which reads it once.
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
    printJvm(out);
    long keyArray = arrayBytes(keySize);
    long valueArray = arrayBytes(valueSize);
    out.printf(Locale.ROOT, "entries %,d, key %d bytes, value %d bytes; on the heap a key array"
        + " takes %d bytes and a value array %d (headers and alignment included)%n%n",
        entries, keySize, valueSize, keyArray, valueArray);
    List<String> lines = new ArrayList<>();
    int status = 0;
    for (String policy : policies) {
      try {
        lines.add(measure(policy, entries, churn, keySize, valueSize, keyArray + valueArray, jol,
            footprintLines, out));
      } catch (RuntimeException | OutOfMemoryError e) {
        err.println("memory: " + policy + " FAILED: " + e);
        status = 1;
      }
    }
    out.println();
    out.println("bytes per entry (overhead = per entry - key bytes - value bytes;"
        + " beyond arrays = per entry - both arrays' heap size)");
    out.printf(Locale.ROOT, "%-9s %-6s %12s %12s %10s %14s%n",
        "policy", "source", "total_MB", "per_entry", "overhead", "beyond_arrays");
    lines.forEach(out::print);
    return status;
  }

  private static String measure(String policy, int target, boolean churn, int keySize,
      int valueSize, long arraysPerEntry, boolean jol, int footprintLines, PrintStream out) {
    int writes = churn ? 2 * target : target;
    int entries;
    long before = settledHeap();
    Object cache;
    long accounted = -1;
    long start = System.nanoTime();
    if (policy.equals("caffeine")) {
      com.github.benmanes.caffeine.cache.Cache<BytesKey, byte[]> c = Caffeine.newBuilder()
          .maximumSize(target)
          .executor(Runnable::run)
          .build();
      for (int i = 0; i < writes; i++) {
        c.put(new BytesKey(key(i, keySize)), new byte[valueSize]);
      }
      c.cleanUp();
      if (c.estimatedSize() != target) {
        throw new IllegalStateException("caffeine holds " + c.estimatedSize() + " of " + target);
      }
      entries = target;
      cache = c;
    } else {
      EvictionPolicyKind kind = EvictionPolicyKind.parse(policy);
      // With churn the budget holds exactly `target` entries (all weigh the same); without, it
      // is far above what they need, so nothing is evicted.
      long budget = churn
          ? target * entryWeight(kind, keySize, valueSize)
          : target * (keySize + valueSize + 4096L);
      CacheConfig config = CacheConfig.builder().policy(kind).maxMemory(budget).build();
      Cache c = Caches.create("memory", config, Clock.system(), RemovalListener.none());
      for (int i = 0; i < writes; i++) {
        c.put(key(i, keySize), new byte[valueSize]);
      }
      c.cleanUp();
      if (c.size() != target) {
        throw new IllegalStateException(policy + " holds " + c.size() + " of " + target);
      }
      entries = target;
      accounted = c.weightedSize();
      cache = c;
    }
    double fillSeconds = (System.nanoTime() - start) / 1e9;
    long after = settledHeap();
    long retained = after - before;
    StringBuilder rows = new StringBuilder();
    rows.append(row(policy, "heap", retained, entries, keySize + valueSize, arraysPerEntry));
    out.printf(Locale.ROOT, "%s: wrote %,d keys in %.1f s, %,d resident; used heap %,d -> %,d"
        + " bytes%n", policy, writes, fillSeconds, entries, before, after);
    if (jol) {
      try {
        long jolStart = System.nanoTime();
        GraphLayout layout = GraphLayout.parseInstance(cache);
        long total = layout.totalSize();
        out.printf(Locale.ROOT, "%s: JOL walked %,d objects, %,d bytes in %.1f s%n",
            policy, layout.totalCount(), total, (System.nanoTime() - jolStart) / 1e9);
        if (footprintLines > 0) {
          printFootprint(layout.toFootprint(), footprintLines, out);
        }
        rows.append(row(policy, "jol", total, entries, keySize + valueSize, arraysPerEntry));
      } catch (RuntimeException | LinkageError e) {
        out.println(policy + ": JOL failed: " + e);
      }
    }
    if (accounted >= 0) {
      rows.append(row(policy, "weight", accounted, entries, keySize + valueSize, arraysPerEntry));
    }
    Reference.reachabilityFence(cache);
    return rows.toString();
  }

  /** Returns the bytes the store accounts for one entry of these sizes. */
  private static long entryWeight(EvictionPolicyKind kind, int keySize, int valueSize) {
    CacheConfig config = CacheConfig.builder().policy(kind).maxMemory(1L << 30).build();
    Cache probe = Caches.create("probe", config, Clock.system(), RemovalListener.none());
    probe.put(key(0, keySize), new byte[valueSize]);
    probe.cleanUp();
    return probe.weightedSize();
  }

  private static String row(String policy, String source, long bytes, int entries, int payload,
      long arrays) {
    double perEntry = (double) bytes / entries;
    return String.format(Locale.ROOT, "%-9s %-6s %12.1f %12.1f %10.1f %14.1f%n",
        policy, source, bytes / 1048576.0, perEntry, perEntry - payload, perEntry - arrays);
  }

  /** Prints the {@code lines} classes of a JOL footprint table that take the most bytes. */
  private static void printFootprint(String footprint, int lines, PrintStream out) {
    // JOL's table: a title, a COUNT AVG SUM DESCRIPTION header, a row per class by name, a total.
    List<String[]> rows = new ArrayList<>();
    String total = null;
    for (String line : footprint.split("\n")) {
      String[] f = line.trim().split("\\s+", 4);
      if (f.length == 4 && f[0].matches("\\d+") && f[2].matches("\\d+")) {
        rows.add(f);
      } else if (line.contains("(total)")) {
        total = line.trim();
      }
    }
    rows.sort((a, b) -> Long.compare(Long.parseLong(b[2]), Long.parseLong(a[2])));
    out.printf(Locale.ROOT, "    %12s %10s %14s  %s%n", "count", "avg", "sum", "class");
    for (String[] f : rows.subList(0, Math.min(lines, rows.size()))) {
      out.printf(Locale.ROOT, "    %,12d %10s %,14d  %s%n",
          Long.parseLong(f[0]), f[1], Long.parseLong(f[2]), f[3]);
    }
    if (total != null) {
      out.println("    " + total);
    }
  }

  /** Returns the heap bytes of a byte array of {@code length}, as this JVM lays it out. */
  private static long arrayBytes(int length) {
    try {
      return GraphLayout.parseInstance((Object) new byte[length]).totalSize();
    } catch (RuntimeException | LinkageError e) {
      return -1;
    }
  }

  /** Returns the used heap after full collections, once two in a row agree within 0.1%. */
  @SuppressWarnings("ExplicitGC")
  private static long settledHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    long used = 0;
    for (int i = 0; i < 10; i++) {
      System.gc();
      used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(previous - used) <= used / 1000) {
        break;
      }
      previous = used;
    }
    return used;
  }

  /** Returns key {@code i}: its big-endian bytes at the end, zeros before. */
  static byte[] key(long i, int keySize) {
    byte[] key = new byte[keySize];
    for (int b = keySize - 1; b >= 0 && b >= keySize - 8; b--) {
      key[b] = (byte) i;
      i >>>= 8;
    }
    return key;
  }

  private static void printJvm(PrintStream out) {
    var runtime = ManagementFactory.getRuntimeMXBean();
    out.println("JVM: " + runtime.getVmName() + " " + runtime.getVmVersion() + " ("
        + System.getProperty("java.home") + ")");
    out.println("JVM flags given: " + String.join(" ", runtime.getInputArguments()));
    HotSpotDiagnosticMXBean hotspot =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    StringBuilder flags = new StringBuilder("JVM flags in effect:");
    for (String flag : new String[] {"UseCompactObjectHeaders", "UseCompressedOops",
        "UseCompressedClassPointers", "ObjectAlignmentInBytes", "MaxHeapSize"}) {
      try {
        flags.append(' ').append(flag).append('=').append(hotspot.getVMOption(flag).getValue());
      } catch (IllegalArgumentException e) {
        flags.append(' ').append(flag).append("=n/a");
      }
    }
    List<String> gcs = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs.add(gc.getName());
    }
    flags.append(" GC=").append(String.join("+", gcs));
    out.println(flags);
  }
}
