package io.tiercel.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Sets every key once before the load starts, so that GETs find values: SETs in pipelined batches
 * over one blocking connection, each reply checked. Key k gets a value length drawn from k alone,
 * so a fill is the same on every run.
 */
final class Filler {
  private static final int BATCH = 256;

  private Filler() {}

  /** Sets keys {@code 0..keys-1}; returns the number set; a failed reply is an IOException. */
  static long fill(Target target, Workload workload, Values values) throws IOException {
    WireProtocol protocol = WireProtocol.of(target, values);
    int keys = workload.keys().keys();
    int maxRequest = WireProtocol.maxRequestBytes(values.keyLength(keys), workload.valueMax());
    ByteBuffer out = ByteBuffer.allocate(BATCH * maxRequest);
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    Reply reply = new Reply();
    int span = workload.valueMax() - workload.valueMin() + 1;
    try (SocketChannel channel = target.connect()) {
      for (int from = 0; from < keys; from += BATCH) {
        int to = Math.min(keys, from + BATCH);
        out.clear();
        for (int key = from; key < to; key++) {
          int length = workload.valueMin()
              + (int) Math.floorMod(KeyDistribution.RankToKey.mix(key + 17L), (long) span);
          protocol.set(out, key, length, workload.ttlSeconds());
        }
        out.flip();
        while (out.hasRemaining()) {
          channel.write(out);
        }
        int expected = to - from;
        while (expected > 0) {
          if (channel.read(in) < 0) {
            throw new IOException("the server closed the connection during the fill");
          }
          in.flip();
          while (expected > 0 && protocol.parse(in, reply)) {
            if (reply.kind != Reply.Kind.STORED) {
              throw new IOException("fill: SET was answered with " + reply.kind
                  + (reply.text == null ? "" : " " + reply.text));
            }
            expected--;
          }
          in.compact();
        }
      }
    }
    return keys;
  }
}
