package io.tiercel.bench.load;

/** How one request ended: a success of some kind, or an error of some kind. */
public enum Outcome {
  /** A GET found the right value. */
  HIT(false),
  /** A GET found nothing. */
  MISS(false),
  /** A SET was stored. */
  STORED(false),
  /** The server replied with an error ({@code -ERR ...}, {@code SERVER_ERROR ...}). */
  SERVER_ERROR(true),
  /** A well-formed reply that does not answer this request (e.g. {@code NOT_STORED}). */
  UNEXPECTED_REPLY(true),
  /** A GET returned a value that is not one this key was ever set to. */
  WRONG_VALUE(true),
  /** The server's bytes broke the protocol; the connection was closed. */
  PROTOCOL_ERROR(true),
  /** The connection failed or closed with the request in flight. */
  CONNECTION_ERROR(true),
  /** No reply came before the drain at the end of the run gave up. */
  TIMEOUT(true);

  private final boolean error;

  Outcome(boolean error) {
    this.error = error;
  }

  /** The outcomes that are successes, each with its own latency histogram. */
  public static final java.util.List<Outcome> SUCCESSES = java.util.List.of(HIT, MISS, STORED);

  /** Returns whether this outcome is an error. */
  public boolean isError() {
    return error;
  }

  /** Returns the lower-case name used in JSON and tables, e.g. {@code wrong_value}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
