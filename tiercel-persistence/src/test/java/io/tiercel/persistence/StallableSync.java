package io.tiercel.persistence;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** A real fsync that a test can hold: while stalled, every force waits until released. */
final class StallableSync implements LogSync {
  private volatile CountDownLatch gate;
  private final AtomicInteger held = new AtomicInteger();

  /** Makes every force from now on wait until {@link #release()}. */
  void stall() {
    gate = new CountDownLatch(1);
  }

  /** Lets every waiting and later force through. */
  void release() {
    CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /** Returns how many forces are being held now. */
  int held() {
    return held.get();
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    CountDownLatch g = gate;
    if (g != null) {
      held.incrementAndGet();
      try {
        g.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("fsync interrupted");
      } finally {
        held.decrementAndGet();
      }
    }
    channel.force(false);
  }

  /** Waits (at most 10 s) until {@code condition} holds; returns whether it did. */
  static boolean await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    return true;
  }
}
