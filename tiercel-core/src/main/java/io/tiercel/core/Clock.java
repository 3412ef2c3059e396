package io.tiercel.core;

/**
 * The source of wall-clock time for expiry; injected so tests move time instead of sleeping.
 *
 * <p>Expiry in Tiercel is absolute wall-clock time in milliseconds, as in Redis: it is what
 * {@code EXPIREAT}, {@code PEXPIRETIME} and the append-only log speak, and it survives restarts.
 */
@FunctionalInterface
public interface Clock {

  /** Returns the current time in milliseconds since the epoch. */
  long millis();

  /** Returns the system's wall clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}

/** The system wall clock; the one place in the core allowed to read it. */
enum SystemClock implements Clock {
  INSTANCE;

  @Override
  @SuppressForbidden(reason = "the one place the core reads the wall clock")
  public long millis() {
    return System.currentTimeMillis();
  }
}
