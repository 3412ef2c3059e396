package io.tiercel.server.pipeline;

import io.netty.buffer.ByteBuf;
import io.tiercel.core.Cache;
import io.tiercel.core.KeyBatch;
import io.tiercel.protocol.resp.RespDecoder;

/**
 * Loads what the next commands of a pipeline will touch in the store before they run, so that
 * their cache misses overlap instead of stalling each command in turn.
 *
 * <p><b>Why.</b> A lookup of a random key in a large store misses the processor's caches two or
 * three times in a row: the slot's table, the entry, its data array, each address known only once
 * the one before has arrived. Commands run one after another, so a pipeline of 16 pays 16 such
 * chains end to end. Looking at the next 16 commands first and loading the first link of every
 * chain, then the second of every chain, and so on, lets the processor keep many misses in flight
 * at once (Redis 8 prefetches a batch's keys the same way, with prefetch instructions Java does
 * not have; here they are plain loads whose results are kept). With 100k keys, batches of 16 ran
 * 1.5 (SET) and 1.4 (GET) times as fast on the store alone ({@code BatchPrefetchBenchmark}), and
 * a node's CPU per SET at pipeline 16 fell from 2.2 to 1.6 µs (docs/benchmarks.md, session 16).
 *
 * <p><b>When.</b> Before a read's commands are decoded, and again as the last command of the
 * batch it looked at starts (its successors are next in the buffer), so a read of hundreds of commands is prefetched 16 at a time and a
 * lone command (pipeline 1) costs one look at its header and nothing more. Only whole commands in
 * the decoder's common shape count; the first argument after the name is taken as the key, which
 * it is for every command that reads or writes one; for the others the load is wasted, never
 * wrong: a prefetch changes nothing. Keys longer than {@link KeyBatch#MAX_KEY_LENGTH} bytes are
 * skipped. MGET and MSET prefetch their own keys the same way ({@code Args.prefetch}).
 */
public final class PipelinePrefetch implements RespDecoder.KeySink {
  private final KeyBatch batch = new KeyBatch();
  /** Commands of the last look still to run; at 0 the next command starts a new look. */
  private int remaining;

  /** Looks at the commands at the head of {@code in} and prefetches their keys in {@code cache}. */
  public void lookAhead(RespDecoder decoder, ByteBuf in, Cache cache) {
    batch.clear();
    remaining = decoder.lookahead(in, KeyBatch.CAPACITY, this);
    if (batch.count() > 1) {
      cache.prefetch(batch);
    }
  }

  /**
   * Called as each command starts, once the decoder has consumed it; when it is the last command
   * of the previous look, looks ahead at the ones after it.
   */
  public void onCommand(RespDecoder decoder, ByteBuf in, Cache cache) {
    if (remaining > 1) {
      remaining--;
      return;
    }
    if (in.isReadable()) {
      lookAhead(decoder, in, cache);
    } else {
      remaining = 0;
    }
  }

  @Override
  public void onKey(ByteBuf in, int index, int length) {
    int offset = batch.appendKey(length);
    if (offset >= 0) {
      in.getBytes(index, batch.bytes(), offset, length);
    }
  }

  /** Returns the keys of the last look, for tests. */
  KeyBatch batch() {
    return batch;
  }
}
