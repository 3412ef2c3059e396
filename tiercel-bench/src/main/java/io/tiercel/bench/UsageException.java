package io.tiercel.bench;

/** Thrown for a bad command line; {@link BenchMain} prints it with the usage and exits 2. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the message shown above the usage. */
  public UsageException(String message) {
    super(message);
  }
}
