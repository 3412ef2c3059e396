package io.tiercel.client;

/** A call to an embedded cache failed; the subclass says why. */
public class TiercelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with {@code message} and {@code cause} (may be null). */
  public TiercelException(String message, Throwable cause) {
    super(message, cause);
  }
}
