package io.tiercel.agent;

/** Closes a test's nodes, agents and clients in the given order, skipping unopened ones. */
final class Closing {
  private Closing() {}

  /** Closes each non-null resource in order; the first failure ends the walk and is thrown. */
  static void inOrder(AutoCloseable... resources) throws Exception {
    for (AutoCloseable c : resources) {
      if (c != null) {
        c.close();
      }
    }
  }
}
