package io.tiercel.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Encodes GET and SET requests and decodes their replies, in place in NIO buffers. */
interface WireProtocol {

  /** Returns the protocol of {@code target}, writing keys and values with {@code values}. */
  static WireProtocol of(Target target, Values values) {
    return switch (target.protocol()) {
      case RESP -> new RespProtocol(values);
      case MEMCACHE -> new MemcacheProtocol(values);
    };
  }

  /** Returns an upper bound on the bytes of one request with a value of {@code valueLength}. */
  static int maxRequestBytes(int keyLength, int valueLength) {
    return keyLength + valueLength + 96;
  }

  /** Writes a GET of key {@code key}. */
  void get(ByteBuffer out, int key);

  /** Writes a SET of key {@code key} to its value of {@code length} bytes, with a TTL if > 0. */
  void set(ByteBuffer out, int key, int length, long ttlSeconds);

  /**
   * Decodes one reply from {@code in} (read mode) into {@code reply} and moves past it; returns
   * false, with the position unchanged, if the reply is not complete yet.
   *
   * @throws IOException if the bytes are not a reply of this protocol
   */
  boolean parse(ByteBuffer in, Reply reply) throws IOException;

  /** Thrown when a server's bytes break the protocol; the connection cannot be trusted after. */
  final class ProtocolViolation extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
      super(message);
    }
  }
}
