package io.tiercel.protocol.resp;

/**
 * A malformed or oversized frame; its message is the whole error text, starting with
 * {@code Protocol error: }, and the connection that sent it must be closed after replying.
 */
public final class RespProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code detail} follows {@code Protocol error: } in the message. */
  public RespProtocolException(String detail) {
    super("Protocol error: " + detail, null, false, false);
  }
}
