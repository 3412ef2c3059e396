package io.tiercel.server;

import io.tiercel.persistence.LogSync;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's fsync that a test can hold: forces pass until {@link #arm}, then each waits until
 * {@link #open} (at most a minute, so a failed test cannot hang the log writer for ever).
 */
final class StallableFsync implements LogSync {
  private final CountDownLatch gate = new CountDownLatch(1);
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicInteger stalled = new AtomicInteger();

  /** Makes every later force wait for {@link #open}. */
  void arm() {
    armed.set(true);
  }

  /** Lets every waiting and later force through. */
  void open() {
    gate.countDown();
  }

  /** Returns how many forces have waited at the gate. */
  int stalled() {
    return stalled.get();
  }

  @Override
  public void force(FileChannel channel) throws IOException {
    if (armed.get()) {
      stalled.incrementAndGet();
      try {
        if (!gate.await(1, TimeUnit.MINUTES)) {
          throw new IOException("the test never opened the fsync gate");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("fsync interrupted");
      }
    }
    channel.force(false);
  }
}
