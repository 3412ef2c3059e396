package io.tiercel.client;

/**
 * The serving process could not be reached or stopped answering; {@link #sent()} says whether the
 * request may have reached it. Internal: the handle retries or turns it into
 * {@link CacheUnavailableException}.
 */
final class ConnectionLostException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean sent;

  ConnectionLostException(String message, boolean sent, Throwable cause) {
    super(message, cause);
    this.sent = sent;
  }

  /** Returns whether the request may have been received, so it may have taken effect. */
  boolean sent() {
    return sent;
  }
}
