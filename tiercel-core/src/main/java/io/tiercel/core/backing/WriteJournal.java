package io.tiercel.core.backing;

import java.io.IOException;
import java.util.Collection;
import java.util.function.BiConsumer;

/**
 * The durable record of queued writes not yet stored in the backing database, so a crash between
 * the acknowledgement and the flush loses nothing. A small interface so the write queue's own
 * file journal can later be swapped for the node's shared append-only log.
 */
public interface WriteJournal extends AutoCloseable {

  /**
   * Records that {@code key} is to be set to {@code value} (null: deleted); when this returns the
   * record is durable (when the journal syncs at all).
   */
  void append(byte[] key, byte[] value) throws IOException;

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
  public void append(byte[] key, byte[] value) {}

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
