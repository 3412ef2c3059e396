package io.tiercel.agent.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespWriter;

/** Encodes requests to a node as RESP arrays of bulk strings; the caller owns the buffer. */
public final class Requests {
  private Requests() {}

  /** Returns {@code name} followed by arguments {@code 1..count-1} of {@code a}. */
  public static ByteBuf renamed(ByteBufAllocator alloc, String name, RespArgs a) {
    int size = 16 + name.length();
    for (int i = 1; i < a.count(); i++) {
      size += 16 + a.length(i);
    }
    ByteBuf out = alloc.ioBuffer(size);
    RespWriter.arrayHeader(out, a.count());
    RespWriter.bulk(out, name);
    for (int i = 1; i < a.count(); i++) {
      RespWriter.bulk(out, a.buffer(), a.index(i), a.length(i));
    }
    return out;
  }

  /** Returns the command made of {@code parts}. */
  public static ByteBuf of(ByteBufAllocator alloc, byte[]... parts) {
    int size = 16;
    for (byte[] p : parts) {
      size += 16 + p.length;
    }
    ByteBuf out = alloc.ioBuffer(size);
    RespWriter.arrayHeader(out, parts.length);
    for (byte[] p : parts) {
      RespWriter.bulk(out, p);
    }
    return out;
  }
}
