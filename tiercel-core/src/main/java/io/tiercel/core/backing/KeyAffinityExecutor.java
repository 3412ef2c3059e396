package io.tiercel.core.backing;

import io.tiercel.core.KeySlot;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs blocking work for keys on a fixed set of lanes, one thread each, chosen by the key's hash.
 *
 * <p>Design: every task for one key lands on the same lane and lanes run their tasks strictly in
 * submission order, so all of one key's operations are serialized without locks — a read
 * submitted after a write runs after it and sees it (read-your-writes), and a miss queued behind
 * another miss for the same key finds what the first one loaded (single-flight). Different keys
 * hash to different lanes and proceed in parallel; two keys sharing a lane only share its
 * throughput, never each other's order. A lane thread must not wait for another lane (that could
 * deadlock), so work spanning keys runs elsewhere and hops to each key's lane.
 *
 * <p>Inline runs. A caller that would only block until its task is done ({@link #runOrSubmit})
 * runs the task on its own thread when the lane is idle: it holds the lane's lock, which the lane
 * thread also holds around every task, and nothing submitted to the lane is unfinished. Order
 * stays the lane's: everything submitted before has finished, and whatever is submitted meanwhile
 * waits for the lock. This saves the two thread hand-overs per operation that dominate a blocking
 * caller's cost; a busy lane still queues, so concurrent misses on one key keep their single
 * flight. While it runs inline the caller's thread counts as the lane ({@link #isCurrentLane}).
 */
public final class KeyAffinityExecutor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyAffinityExecutor.class);
  private static final Runnable STOP = () -> {};

  private final Lane[] lanes;
  /** The lane the calling thread runs as now, or -1. */
  private final ThreadLocal<int[]> current = ThreadLocal.withInitial(() -> new int[] {-1});
  private volatile boolean closed;

  /** Starts {@code lanes} daemon threads named {@code name-lane-i}. */
  public KeyAffinityExecutor(String name, int lanes) {
    if (lanes <= 0) {
      throw new IllegalArgumentException("lanes: " + lanes + " (expected: > 0)");
    }
    this.lanes = new Lane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new Lane(name + "-lane-" + i, i);
      this.lanes[i].thread.start();
    }
  }

  /** Returns the number of lanes. */
  public int lanes() {
    return lanes.length;
  }

  /**
   * Returns the lane {@code key} runs on: chosen by its cluster slot, so keys that share a
   * {hash tag} share a lane and a multi-key write among them can run on one thread.
   */
  public int laneOf(byte[] key) {
    return KeySlot.of(key) % lanes.length;
  }

  /** Returns whether the calling thread is {@code key}'s lane. */
  public boolean isCurrentLane(byte[] key) {
    return current.get()[0] == laneOf(key);
  }

  /** Returns whether the calling thread is any lane of this executor. */
  public boolean onAnyLane() {
    return current.get()[0] >= 0;
  }

  /**
   * Runs {@code task} on the calling thread as {@code key}'s lane if that lane is idle, else
   * queues it ({@link #submit}); for callers that would block until it is done anyway.
   */
  public <T> CompletableFuture<T> runOrSubmit(byte[] key, Callable<T> task) {
    Lane l = lanes[laneOf(key)];
    if (!closed && l.unfinished.get() == 0 && l.lock.tryLock()) {
      try {
        if (l.unfinished.get() == 0) {
          int[] me = current.get();
          int was = me[0];
          me[0] = l.index;
          try {
            return CompletableFuture.completedFuture(task.call());
          } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
          } finally {
            me[0] = was;
          }
        }
      } finally {
        l.lock.unlock();
      }
    }
    return submit(key, task);
  }

  /** Queues {@code task} on {@code key}'s lane; the future completes with its result or error. */
  public <T> CompletableFuture<T> submit(byte[] key, Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(new RejectedExecutionException("key-affinity executor is closed"));
      return f;
    }
    Lane l = lanes[laneOf(key)];
    l.unfinished.incrementAndGet();
    l.queue.add(() -> {
      try {
        f.complete(task.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }

  /** Returns the number of tasks queued on all lanes, not counting running ones. */
  public int queued() {
    int n = 0;
    for (Lane l : lanes) {
      n += l.queue.size();
    }
    return n;
  }

  /** Lets queued tasks finish, then stops the lanes, waiting up to {@code millis} for them. */
  public void shutdown(long millis) {
    closed = true;
    for (Lane l : lanes) {
      l.queue.add(STOP);
    }
    for (Lane l : lanes) {
      try {
        l.thread.join(Math.max(1, millis));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    shutdown(TimeUnit.SECONDS.toMillis(30));
  }

  /** One thread, its FIFO queue, and the lock a task holds while it runs. */
  private final class Lane implements Runnable {
    final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    final ReentrantLock lock = new ReentrantLock();
    /** Tasks submitted and not yet finished. */
    final AtomicInteger unfinished = new AtomicInteger();
    final Thread thread;
    final int index;

    Lane(String name, int index) {
      this.index = index;
      thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      current.get()[0] = index;
      while (true) {
        Runnable r;
        try {
          r = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        if (r == STOP) {
          return;
        }
        lock.lock();
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("lane task failed", e);
        } finally {
          unfinished.decrementAndGet();
          lock.unlock();
        }
      }
    }
  }
}
