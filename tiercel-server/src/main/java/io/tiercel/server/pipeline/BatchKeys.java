package io.tiercel.server.pipeline;

import io.netty.buffer.ByteBuf;
import io.tiercel.core.KeyBatch;
import io.tiercel.protocol.resp.RespDecoder;

/** Copies the keys {@link RespDecoder#lookahead} finds into a {@link KeyBatch}. */
final class BatchKeys implements RespDecoder.KeySink {
  private final KeyBatch batch = new KeyBatch();

  /** Returns the batch the keys go to. */
  KeyBatch batch() {
    return batch;
  }

  @Override
  public void onKey(ByteBuf in, int index, int length) {
    int offset = batch.appendKey(length);
    if (offset >= 0) {
      in.getBytes(index, batch.bytes(), offset, length);
    }
  }
}
