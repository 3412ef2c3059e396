package io.tiercel.agent.upstream;

/** A command could not reach its node: the connection is down (and being re-established). */
public final class UpstreamUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for the node at {@code address}. */
  public UpstreamUnavailableException(String address, String why) {
    super("node " + address + " " + why, null, false, false);
  }
}
