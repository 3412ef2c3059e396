package io.tiercel.agent;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Bounded polling: re-checks a condition until it holds or a deadline passes (no fixed sleeps). */
final class Poll {
  private Poll() {}

  /** Returns once {@code check} returns true; fails after {@code seconds}. */
  static void until(String what, long seconds, Callable<Boolean> check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      if (Boolean.TRUE.equals(check.call())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + "s waiting for: " + what);
      }
      Thread.onSpinWait();
      Thread.sleep(5);
    }
  }
}
