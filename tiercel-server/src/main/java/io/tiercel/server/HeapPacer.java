package io.tiercel.server;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the collector's soft heap target at twice the heap a collection leaves in use, so a node
 * reuses memory it has already touched instead of growing into fresh pages.
 *
 * <p><b>Why.</b> ZGC sizes its heap by {@code SoftMaxHeapSize}, which the JVM sets to 90 % of the
 * maximum heap, itself a quarter of the machine's memory by default. A node holding 15 MB of data
 * therefore let its heap grow to 600 MB before its first collection, and on towards gigabytes
 * after it, touching every page on the way for the first time. A first touch is a page fault:
 * under SET at pipeline 16 a fresh node took 82 thousand of them in 3 M requests and used 2.0-2.6
 * µs of CPU a request, against 1.7-1.8 with the heap touched in advance (docs/benchmarks.md,
 * session 17). Redis's allocator hands freed memory out again at once and pays none of this.
 *
 * <p><b>What.</b> After every collection the soft target becomes twice the heap in use after it,
 * at least a floor and at most the JVM's own soft target (the maximum heap when {@code
 * -Xmx} gives one, 90 % of the default maximum otherwise); it moves only when the new target differs
 * from the last by more than an eighth, so a steady node is left alone. This is how Go's collector
 * paces itself ({@code GOGC=100}: collect again when the heap has doubled since the last live
 * size). The target is a hint: live data beyond it still grows the heap up to the maximum, so the
 * pacer can cost collections but never an out-of-memory error.
 *
 * <p><b>When.</b> Only when the collector honours the soft target (ZGC and Shenandoah; {@code
 * bin/tiercel} runs nodes and agents on ZGC) and the user has not set {@code SoftMaxHeapSize}
 * themselves, which leaves them the last word. It is started by the node's and the agent's main
 * methods, never by a library or an embedded cache, whose JVM belongs to the application.
 */
public final class HeapPacer implements AutoCloseable {
  /** The JVM option the pacer writes. */
  static final String OPTION = "SoftMaxHeapSize";
  /**
   * A node's smallest soft target, twice the default cache's budget: below it, collections come
   * so often under heavy writes that they cost more CPU than the memory they save is worth
   * (bench/heap-pacing.sh, 8 M SETs: at 256 MB 20 collections and 1.7-2.0 µs of CPU a SET; at
   * 1 GB 4 and 1.4-1.7 µs).
   */
  public static final long NODE_FLOOR = 1L << 30;
  /**
   * An agent's smallest soft target. An agent runs beside the application on every host, where
   * its memory is the application's, and its load is the local traffic of one host; a heap that
   * reaches its target sooner also stops touching fresh pages sooner, which on a virtual machine
   * cost about 13 µs each (docs/benchmarks.md, session 23).
   */
  public static final long AGENT_FLOOR = 256L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(HeapPacer.class);

  private final HotSpotDiagnosticMXBean vm;
  private final long floor;
  private final long ceiling;
  private final Set<String> heapPools;
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;
  private long target;

  /**
   * Paces {@code vm}'s soft target, now {@code ceiling}, never below {@code floor} unless the
   * ceiling is, and never above {@code ceiling}.
   */
  HeapPacer(HotSpotDiagnosticMXBean vm, long floor, long ceiling) {
    this.vm = vm;
    this.floor = floor;
    this.ceiling = ceiling;
    this.heapPools = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    this.target = ceiling;
  }

  /**
   * Starts pacing this JVM, with a soft target of at least {@code floor}, if its collector
   * honours a soft heap target and the user left {@code SoftMaxHeapSize} unset; returns null,
   * and logs why at debug level, otherwise.
   */
  public static HeapPacer startIfApplicable(long floor) {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    List<String> collectors = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      collectors.add(gc.getName());
    }
    VMOption softMax = vm.getVMOption(OPTION);
    String reason = whyNot(collectors, softMax.getOrigin());
    if (reason != null) {
      LOG.debug("heap pacing off: {}", reason);
      return null;
    }
    // The JVM's own soft target is the ceiling: the pacer only ever lowers it, so a heap sized
    // by the user, or ZGC's room below a default maximum (10 %), stays as the JVM chose it.
    HeapPacer pacer = new HeapPacer(vm, floor, Long.parseLong(softMax.getValue()));
    pacer.start();
    return pacer;
  }

  /**
   * Returns why a JVM with these collector beans and this origin of {@code SoftMaxHeapSize} is
   * not paced, or null if it is.
   */
  static String whyNot(List<String> collectorNames, VMOption.Origin origin) {
    boolean honoured = collectorNames.stream()
        .anyMatch(n -> n.startsWith("ZGC") || n.startsWith("Shenandoah"));
    if (!honoured) {
      return "the collector (" + String.join(", ", collectorNames)
          + ") does not use a soft heap target";
    }
    if (origin != VMOption.Origin.DEFAULT && origin != VMOption.Origin.ERGONOMIC) {
      return OPTION + " was set by the user (" + origin + ")";
    }
    return null;
  }

  /**
   * Returns the soft target for a heap that has {@code usedAfterCollection} bytes in use after a
   * collection: twice that, at least {@code floor}, at most {@code ceiling}.
   */
  static long target(long usedAfterCollection, long floor, long ceiling) {
    long doubled = usedAfterCollection > Long.MAX_VALUE / 2 ? Long.MAX_VALUE
        : 2 * usedAfterCollection;
    return Math.min(Math.max(floor, doubled), ceiling);
  }

  /** Sets the first target from the heap in use now and listens for every collection's end. */
  void start() {
    onCollection(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      // ZGC and Shenandoah also report their pauses; a pause ends mid-cycle, before the garbage
      // is freed, so only the cycles' ends tell the heap a collection left in use.
      if (gc instanceof NotificationEmitter emitter && !gc.getName().endsWith("Pauses")) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    LOG.debug("heap pacing on: soft target {} bytes, at least {}, at most {}", target(), floor,
        ceiling);
  }

  /** Moves the soft target after a collection that left {@code usedAfterCollection} in use. */
  synchronized void onCollection(long usedAfterCollection) {
    long next = target(usedAfterCollection, floor, ceiling);
    if (Math.abs(next - target) <= target / 8) {
      return;
    }
    try {
      vm.setVMOption(OPTION, Long.toString(next));
      target = next;
    } catch (IllegalArgumentException e) {
      // The JVM refused the value (a collector's own bound): keep the last one and say so.
      LOG.warn("cannot set {} to {}: {}", OPTION, next, e.getMessage());
    }
  }

  /** Returns the soft target the pacer last set (or found, before it set one). */
  synchronized long target() {
    return target;
  }

  private void onNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    onCollection(used);
  }

  /** Returns the JVM's current {@code SoftMaxHeapSize}, whoever set it. */
  public static long softMaxHeap() {
    return Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .getVMOption(OPTION).getValue());
  }

  /** Stops listening; the soft target stays where it was. */
  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // Already gone: nothing to undo.
      }
    }
    emitters.clear();
  }
}
