package io.tiercel.agent.upstream;

/** The node refused the agent's password ({@code --nodes-password}), or wants one it lacks. */
public final class UpstreamAuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for the node at {@code address}; {@code why} is the node's error. */
  public UpstreamAuthException(String address, String why) {
    super("upstream: node " + address + " refused the agent's password (--nodes-password): "
        + why, null, false, false);
  }
}
