package io.tiercel.server.command;

/**
 * Told of every command a node runs, on the connection's event loop, right after its reply is
 * written; must be quick and must not throw (metrics implement it).
 */
@FunctionalInterface
public interface CommandObserver {
  /** The command succeeded. */
  int OK = 0;
  /** The command answered an error. */
  int ERROR = 1;
  /** A read found its key. */
  int HIT = 2;
  /** A read found nothing. */
  int MISS = 3;

  /** Observes nothing; the dispatcher then skips timing. */
  CommandObserver NONE = (command, result, nanos) -> {};

  /**
   * Called once per command.
   *
   * @param command the command, or null for an unknown command name
   * @param result {@link #OK}, {@link #ERROR}, {@link #HIT} or {@link #MISS}
   * @param nanos how long the command ran
   */
  void completed(Command command, int result, long nanos);

  /**
   * Returns whether this observer reads {@code nanos}; one that only counts results returns false,
   * and the dispatcher then passes 0 and reads no clock for it (two clock reads a command).
   */
  default boolean timed() {
    return true;
  }

  /** Returns an observer of results only: {@code counter} is told 0 for every command's time. */
  static CommandObserver untimed(CommandObserver counter) {
    return new CommandObserver() {
      @Override
      public void completed(Command command, int result, long nanos) {
        counter.completed(command, result, nanos);
      }

      @Override
      public boolean timed() {
        return false;
      }
    };
  }
}
