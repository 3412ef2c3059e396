package io.tiercel.server.command;

/**
 * A command's error reply, thrown from deep inside a command and written by the dispatcher; the
 * message is the reply text without the leading {@code -}. Carries no stack trace, so the shared
 * instances cost nothing to throw.
 */
public final class CommandError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final CommandError NOT_INTEGER =
      new CommandError("ERR value is not an integer or out of range");
  static final CommandError NOT_FLOAT = new CommandError("ERR value is not a valid float");
  static final CommandError SYNTAX = new CommandError("ERR syntax error");
  static final CommandError OVERFLOW =
      new CommandError("ERR increment or decrement would overflow");
  static final CommandError NO_SUCH_KEY = new CommandError("ERR no such key");
  static final CommandError OFFSET_RANGE = new CommandError("ERR offset is out of range");
  static final CommandError TOO_BIG =
      new CommandError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  static final CommandError NAN_OR_INF =
      new CommandError("ERR increment would produce NaN or Infinity");
  static final CommandError OOM =
      new CommandError("OOM command not allowed when used memory > 'maxmemory'.");

  /** Creates an error whose reply is {@code -message}. */
  public CommandError(String message) {
    super(message, null, false, false);
  }
}
