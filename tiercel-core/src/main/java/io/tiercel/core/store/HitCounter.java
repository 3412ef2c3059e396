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
 * <p><b>Finding a thread's cell.</b> First by thread id: {@link #byId} holds, for each value of
 * the id's low six bits, the cell of the first thread registered with it, and the caller checks
 * that the cell's owner id (a final field, unique for the life of the JVM) is its own. That is a
 * load and a compare where a {@link ThreadLocal} costs a hash probe and a weak-reference test;
 * threads whose ids collide fall back to the {@code ThreadLocal}. Each cell's count has a cache
 * line of padding on either side, so two threads' cells never share a line, whatever the
 * allocator or a collector's copying places next to each other.
 *
 * <p><b>Cells of ended threads.</b> Every cell is listed for {@link #sum}. A thread that ends
 * leaves its cell behind; its count stays in the sum, so a cell cannot simply be dropped. When
 * the list has doubled since the last look, {@link #cellFor} folds the cells of ended threads
 * into {@link #retired} and drops them (freeing their {@link #byId} places), so a program that
 * runs many short-lived threads holds cells for its live threads plus at most as many again. A
 * thread's end happens-before another thread sees it ended ({@link Thread#isAlive}), so its last
 * count is final when folded. Registration, folding and summing hold this object's monitor; an
 * increment holds nothing.
 */
final class HitCounter {
  private static final VarHandle COUNT;
  /** Slots of {@link #byId}: thread ids that differ in their low bits find their cells there. */
  private static final int ID_CELLS = 64;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Cell.class, "count", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Fields in front of a cell's count: 64 bytes, one cache line. */
  @SuppressWarnings("unused")
  private abstract static class CellPadBefore {
    long p0, p1, p2, p3, p4, p5, p6, p7;
  }

  /** The count, after a line of padding (superclass fields come first in HotSpot's layout). */
  private abstract static class CellCount extends CellPadBefore {
    long count;
  }

  /**
   * One thread's count; written only by that thread. Padded (see the class essay): a line shared
   * with another thread's cell would make every plain store a coherence miss on the other core.
   */
  @SuppressWarnings("unused")
  private static final class Cell extends CellCount {
    long q0, q1, q2, q3, q4, q5, q6, q7;
    final WeakReference<Thread> owner;
    /** The owner's {@link Thread#threadId}, unique for the life of the JVM. */
    final long ownerId;

    Cell(Thread owner) {
      this.owner = new WeakReference<>(owner);
      this.ownerId = owner.threadId();
    }

    boolean ownerEnded() {
      Thread t = owner.get();
      return t == null || !t.isAlive();
    }
  }

  /** Cells by thread id modulo their number; each one's owner finds it without a ThreadLocal. */
  private final Cell[] byId = new Cell[ID_CELLS];
  private final ThreadLocal<Cell> cells = ThreadLocal.withInitial(this::cellFor);
  /** Every cell that may still count; guarded by this. */
  private final List<Cell> all = new ArrayList<>();
  /** The counts of dropped cells; guarded by this. */
  private long retired;
  /** The list size at which the next registration looks for cells of ended threads. */
  private int foldAt = 16;

  /**
   * Adds one for the calling thread. The cell is looked up by thread id first, where a check of
   * the owner's id replaces the {@code ThreadLocal}'s hash probe and weak-reference test.
   */
  void increment() {
    Thread thread = Thread.currentThread();
    long id = thread.threadId();
    Cell cell = byId[(int) id & (ID_CELLS - 1)];
    if (cell == null || cell.ownerId != id) {
      cell = cells.get();
    }
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
          int at = (int) cell.ownerId & (ID_CELLS - 1);
          if (byId[at] == cell) {
            byId[at] = null;
          }
          return true;
        }
        return false;
      });
      foldAt = Math.max(16, all.size() * 2);
    }
    Cell cell = new Cell(Thread.currentThread());
    all.add(cell);
    int at = (int) cell.ownerId & (ID_CELLS - 1);
    if (byId[at] == null) {
      // A plain store: only the owner acts on this cell (it checks the id, a final field).
      byId[at] = cell;
    }
    return cell;
  }
}
