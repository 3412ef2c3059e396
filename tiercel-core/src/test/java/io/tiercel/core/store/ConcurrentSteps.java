package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one step many times on several threads that start together, bounded in count and time. */
final class ConcurrentSteps {
  /** How long all threads together may take before the run counts as a deadlock. */
  private static final long DEADLINE_SECONDS = 60;

  /** One operation of a thread, drawing its choices from the thread's own seeded random. */
  interface Step {
    void run(Random random) throws Exception;
  }

  private ConcurrentSteps() {}

  /**
   * Runs {@code step} {@code opsPerThread} times on each of {@code threads} threads (thread t
   * seeded with t); fails on the first error or assertion of any thread, or if one still runs
   * after the deadline.
   */
  static void run(int threads, int opsPerThread, Step step) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      workers.add(Thread.ofPlatform().start(() -> {
        try {
          Random random = new Random(seed);
          start.await();
          for (int i = 0; i < opsPerThread; i++) {
            step.run(random);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    for (Thread worker : workers) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      worker.join(left);
      assertThat(worker.isAlive()).as("a thread still runs: deadlock?").isFalse();
    }
    assertThat(failure.get()).isNull();
  }
}
