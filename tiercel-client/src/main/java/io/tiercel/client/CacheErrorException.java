package io.tiercel.client;

/** The serving process answered a call with an error (such as a value over the memory budget). */
public final class CacheErrorException extends TiercelException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception from the server's error text. */
  public CacheErrorException(String message) {
    super(message, null);
  }
}
