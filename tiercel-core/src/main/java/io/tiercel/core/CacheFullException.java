package io.tiercel.core;

/**
 * Thrown when a write cannot fit under the cache's memory budget even after evicting everything
 * that may go; the node reports it as Redis's {@code -OOM} error.
 */
public final class CacheFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the sizes involved. */
  public CacheFullException(String message) {
    super(message);
  }
}
