package io.tiercel.persistence;

import java.util.concurrent.CompletableFuture;

/**
 * Lets a connection hold its replies until the writes behind them are on disk
 * ({@code appendfsync always}), without blocking the thread.
 *
 * <p>A write appended on a thread leaves a ticket there; the connection takes it when its batch of
 * commands ends and, if it is not yet durable, asks to be called back when it is.
 */
public interface CommitGate {

  /** Returns and clears the ticket of the latest write on this thread that must be durable; 0 if none. */
  long takeTicket();

  /** Returns whether every write with {@code ticket} or an earlier one is on disk. */
  boolean isDurable(long ticket);

  /** Runs {@code action} on the log writer's thread once {@code ticket} is durable (or at once). */
  void whenDurable(long ticket, Runnable action);

  /**
   * Takes this thread's ticket ({@link #takeTicket}) and returns a future that completes once it
   * is durable: already complete if there is none or it is, else on the log writer's thread.
   */
  default CompletableFuture<Void> takeTicketFuture() {
    long ticket = takeTicket();
    if (ticket == 0 || isDurable(ticket)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> durable = new CompletableFuture<>();
    whenDurable(ticket, () -> durable.complete(null));
    return durable;
  }

  /** The gate of a node that needs no waiting. */
  CommitGate NONE = new CommitGate() {
    @Override
    public long takeTicket() {
      return 0;
    }

    @Override
    public boolean isDurable(long ticket) {
      return true;
    }

    @Override
    public void whenDurable(long ticket, Runnable action) {
      action.run();
    }
  };
}
