package io.tiercel.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tiercel.agent.upstream.ReplyFramer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A blocking test client speaking RESP2 over a UNIX socket or TCP; replies are parsed. */
final class RespClient implements AutoCloseable {
  private final SocketChannel ch;
  private final ByteBuf in = Unpooled.buffer();

  private RespClient(SocketChannel ch) {
    this.ch = ch;
  }

  static RespClient unix(Path path) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(path));
    return new RespClient(ch);
  }

  static RespClient tcp(int port) throws IOException {
    return new RespClient(SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
  }

  /** Sends commands without reading replies (a pipeline). */
  void send(String... args) throws IOException {
    sendAll(List.<String[]>of(args));
  }

  /** Sends commands in one write, so the server reads them as one batch (unless split). */
  void sendAll(List<String[]> commands) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String[] args : commands) {
      sb.append('*').append(args.length).append("\r\n");
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /** Reads one reply: String for bulk/simple, Long, ReplyFramer.ErrorReply, List, or null. */
  Object read() throws IOException {
    return strings(readRaw());
  }

  /** Reads one reply as {@link #read} does, but with bulk strings left as {@code byte[]}. */
  Object readRaw() throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(8192);
    int end;
    while ((end = ReplyFramer.frameEnd(in, in.readerIndex())) < 0) {
      chunk.clear();
      if (ch.read(chunk) < 0) {
        throw new IOException("closed by server");
      }
      chunk.flip();
      in.writeBytes(chunk);
    }
    byte[] raw = new byte[end - in.readerIndex()];
    in.readBytes(raw);
    in.discardReadBytes();
    return ReplyFramer.parse(raw);
  }

  /** Sends one command and reads its reply. */
  Object call(String... args) throws IOException {
    send(args);
    return read();
  }

  /**
   * Sends one command and reads its reply, failing if none comes within {@code seconds}: the
   * caller must not wait forever on a server that may hang. On a timeout the connection is
   * closed (the reply could still arrive and would answer the next command).
   */
  Object callWithin(long seconds, String... args) throws Exception {
    FutureTask<Object> task = new FutureTask<>(() -> call(args));
    Thread.ofVirtual().name("resp-call").start(task);
    try {
      return task.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      ch.close();
      throw new AssertionError("no reply to " + String.join(" ", args) + " within " + seconds
          + "s");
    }
  }

  private static Object strings(Object o) {
    if (o instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (o instanceof List<?> l) {
      return l.stream().map(RespClient::strings).toList();
    }
    return o;
  }

  @Override
  public void close() throws IOException {
    ch.close();
    in.release();
  }
}
