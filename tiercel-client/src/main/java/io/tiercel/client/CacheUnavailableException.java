package io.tiercel.client;

/**
 * No process served the cache within the handover timeout, or the connection to the serving
 * process was lost after a call that is not safe to repeat (such as {@code pop}) was sent, so
 * whether it took effect is unknown ({@link #outcomeUnknown()}). Never thrown in place of a value
 * the cache holds: a call either returns what the serving process answered or throws this.
 */
public final class CacheUnavailableException extends TiercelException {
  private static final long serialVersionUID = 1L;
  private final boolean outcomeUnknown;

  /** Creates the exception; {@code outcomeUnknown} when the call may have taken effect. */
  public CacheUnavailableException(String message, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /** Returns whether the call may have taken effect before the connection was lost. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
