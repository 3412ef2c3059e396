package io.tiercel.server;

import java.util.function.BooleanSupplier;

/** Polls a condition a test waits for, with a bound. */
final class Eventually {
  private Eventually() {}

  /** Returns whether {@code check} held within 10 s, polling every 20 ms. */
  static boolean eventually(BooleanSupplier check) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      if (check.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
