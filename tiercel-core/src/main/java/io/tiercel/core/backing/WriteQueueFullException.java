package io.tiercel.core.backing;

/** A write-behind write was refused because the queue stayed full (back-pressure). */
public final class WriteQueueFullException extends BackingStoreException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the bound. */
  public WriteQueueFullException(String message) {
    super(message);
  }
}
