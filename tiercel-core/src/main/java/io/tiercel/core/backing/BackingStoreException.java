package io.tiercel.core.backing;

/**
 * A backing store could not do what was asked: the database is down, refused a statement or the
 * write-behind queue is full. The node reports it to the client as a clear {@code -ERR}.
 */
public class BackingStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message saying what failed. */
  public BackingStoreException(String message) {
    super(message);
  }

  /** Creates the exception with a message saying what failed and the underlying cause. */
  public BackingStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
