package io.tiercel.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to; for tests and simulations. */
public final class ManualClock implements Clock {
  private final AtomicLong millis;

  /** Creates a clock that reads {@code startMillis} until advanced. */
  public ManualClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  /** Creates a clock starting at a fixed, arbitrary date (2026-01-01T00:00:00Z). */
  public ManualClock() {
    this(1_767_225_600_000L);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  /** Moves the clock forward by {@code amount}. */
  public void advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0)");
    }
    millis.addAndGet(amount.toMillis());
  }

  /** Sets the clock to {@code epochMillis}. */
  public void set(long epochMillis) {
    millis.set(epochMillis);
  }
}
