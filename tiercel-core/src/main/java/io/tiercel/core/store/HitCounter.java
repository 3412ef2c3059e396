package io.tiercel.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * An exact counter that reading threads add to without an atomic instruction: each thread adds
 * to a cell of its own, and {@link #sum} adds the cells up.
 *
 * <p><b>Why not a LongAdder.</b> A {@code LongAdder} increment is a compare-and-swap, and on x86
 * every locked instruction is a full fence: the next lookup's loads cannot start before it
 * retires, which is the likely reason (not verified: this machine has no hardware counters) that
 * counting each hit with one cost a read of a cache that records no reads (below half its
 * budget) about a third of its throughput in the JMH benchmark at 2 threads (docs/benchmarks.md,
 * branch {@code coreperf4}). A cell written by one thread only needs a plain store;
 * {@link #sum} reads each cell's last value (opaque loads, so a long never tears).
 *
 * <p><b>Cells of ended threads.</b> A cell is found through a {@link ThreadLocal} and listed for
 * {@link #sum}. A thread that ends leaves its cell behind; its count stays in the sum, so a cell
 * cannot simply be dropped. When the list has doubled since the last look, {@link #cellFor}
 * folds the cells of ended threads into {@link #retired} and drops them, so a program that runs
 * many short-lived threads holds cells for its live threads plus at most as many again. A
 * thread's end happens-before another thread sees it ended ({@link Thread#isAlive}), so its last
 * count is final when folded. Registration, folding and summing hold this object's monitor; an
 * increment holds nothing.
 */
final class HitCounter {
  private static final VarHandle COUNT;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Cell.class, "count", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One thread's count; written only by that thread. */
  private static final class Cell {
    final WeakReference<Thread> owner;
    long count;

    Cell(Thread owner) {
      this.owner = new WeakReference<>(owner);
    }

    boolean ownerEnded() {
      Thread t = owner.get();
      return t == null || !t.isAlive();
    }
  }

  private final ThreadLocal<Cell> cells = ThreadLocal.withInitial(this::cellFor);
  /** Every cell that may still count; guarded by this. */
  private final List<Cell> all = new ArrayList<>();
  /** The counts of dropped cells; guarded by this. */
  private long retired;
  /** The list size at which the next registration looks for cells of ended threads. */
  private int foldAt = 16;

  /** Adds one for the calling thread. */
  void increment() {
    Cell cell = cells.get();
    COUNT.setOpaque(cell, cell.count + 1);
  }

  /** Returns the total of every increment that happened before this call. */
  synchronized long sum() {
    long sum = retired;
    for (Cell cell : all) {
      sum += (long) COUNT.getOpaque(cell);
    }
    return sum;
  }

  /** Returns the number of cells held, live threads' and not yet folded (tests only). */
  synchronized int cellsForTesting() {
    return all.size();
  }

  /** Registers a cell for the calling thread, first folding ended threads' cells if due. */
  private synchronized Cell cellFor() {
    if (all.size() >= foldAt) {
      all.removeIf(cell -> {
        if (cell.ownerEnded()) {
          retired += (long) COUNT.getOpaque(cell);
          return true;
        }
        return false;
      });
      foldAt = Math.max(16, all.size() * 2);
    }
    Cell cell = new Cell(Thread.currentThread());
    all.add(cell);
    return cell;
  }
}
