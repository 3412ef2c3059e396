package io.tiercel.core.backing;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The durable record of queued writes not yet stored in the backing database, so a crash between
 * the acknowledgement and the flush loses nothing. A small interface so the write queue's own
 * file journal can later be swapped for the node's shared append-only log.
 *
 * <p>Appending and making durable are two steps, so that one disk write serves every record
 * appended meanwhile (group commit): {@link #append} returns a ticket, and a write may be
 * acknowledged once {@link #sync} returned for it or {@link #whenDurable} completed.
 */
public interface WriteJournal extends AutoCloseable {

  /** A completed future: what {@link #whenDurable} returns for a ticket already durable. */
  CompletableFuture<Void> DURABLE = CompletableFuture.completedFuture(null);

  /**
   * Records that {@code key} is to be set to {@code value} (null: deleted); returns the record's
   * ticket (positive), which is durable only after {@link #sync} or {@link #whenDurable}.
   */
  long append(byte[] key, byte[] value) throws IOException;

  /**
   * Returns once the record of {@code ticket} (and every earlier one) is as durable as the
   * journal's fsync policy asks, writing it (and all records appended meanwhile) if needed.
   */
  void sync(long ticket) throws IOException;

  /**
   * Returns a future completed, without blocking the caller, once {@code ticket} is durable (as
   * {@link #sync}), or failed with the {@link IOException} that kept it from getting there.
   */
  CompletableFuture<Void> whenDurable(long ticket);

  /** Passes every intact record, oldest first, to {@code sink} (value null for deletes). */
  void replay(BiConsumer<byte[], byte[]> sink) throws IOException;

  /** Forgets every record: all of them reached the database. */
  void reset() throws IOException;

  /** Replaces the records with {@code pending} only: the writes still waiting, compacted. */
  void rewrite(Collection<PendingWrite> pending) throws IOException;

  /** Returns the journal's size in bytes. */
  long sizeBytes();

  @Override
  void close() throws IOException;

  /** Returns a journal that keeps nothing (no durability; for modes that need none). */
  static WriteJournal none() {
    return NoJournal.INSTANCE;
  }
}

/** The journal that records nothing. */
enum NoJournal implements WriteJournal {
  INSTANCE;

  @Override
  public long append(byte[] key, byte[] value) {
    return 0;
  }

  @Override
  public void sync(long ticket) {}

  @Override
  public CompletableFuture<Void> whenDurable(long ticket) {
    return DURABLE;
  }

  @Override
  public void replay(BiConsumer<byte[], byte[]> sink) {}

  @Override
  public void reset() {}

  @Override
  public void rewrite(Collection<PendingWrite> pending) {}

  @Override
  public long sizeBytes() {
    return 0;
  }

  @Override
  public void close() {}
}
