package io.tiercel.bench.load;

/** The two requests the load generator sends. */
public enum OpKind {
  GET,
  SET;

  /** Returns the lower-case name used in JSON, e.g. {@code get}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
