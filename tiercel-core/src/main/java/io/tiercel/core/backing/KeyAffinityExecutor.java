package io.tiercel.core.backing;

import io.tiercel.core.KeySlot;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 */
public final class KeyAffinityExecutor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyAffinityExecutor.class);
  private static final Runnable STOP = () -> {};

  private final Lane[] lanes;
  private volatile boolean closed;

  /** Starts {@code lanes} daemon threads named {@code name-lane-i}. */
  public KeyAffinityExecutor(String name, int lanes) {
    if (lanes <= 0) {
      throw new IllegalArgumentException("lanes: " + lanes + " (expected: > 0)");
    }
    this.lanes = new Lane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new Lane(name + "-lane-" + i);
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
    return Thread.currentThread() == lanes[laneOf(key)].thread;
  }

  /** Returns whether the calling thread is any lane of this executor. */
  public boolean onAnyLane() {
    Thread t = Thread.currentThread();
    for (Lane l : lanes) {
      if (l.thread == t) {
        return true;
      }
    }
    return false;
  }

  /** Queues {@code task} on {@code key}'s lane; the future completes with its result or error. */
  public <T> CompletableFuture<T> submit(byte[] key, Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(new RejectedExecutionException("key-affinity executor is closed"));
      return f;
    }
    lanes[laneOf(key)].queue.add(() -> {
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

  /** One thread and its FIFO queue. */
  private static final class Lane implements Runnable {
    final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    final Thread thread;

    Lane(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
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
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.warn("lane task failed", e);
        }
      }
    }
  }
}
