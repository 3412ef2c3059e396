package io.tiercel.persistence;

/**
 * A write refused because the append-only log's memory buffer stayed full for longer than the
 * wait allowed: the disk is not keeping up. The cache was not changed.
 */
public final class LogFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its message. */
  public LogFullException(String message) {
    super(message);
  }
}
