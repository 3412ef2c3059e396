package io.tiercel.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A client that speaks raw bytes over TCP or a UNIX socket, for checking replies byte for byte.
 * Reads over TCP are bounded by a 5 s socket timeout; reads over a UNIX socket are not (its
 * channel has no timeout), so a test that may wait on one bounds the wait itself.
 */
final class RawClient implements AutoCloseable {
  private final AutoCloseable socket;
  private final InputStream in;
  private final OutputStream out;

  private RawClient(AutoCloseable socket, InputStream in, OutputStream out) {
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  static RawClient tcp(int port) throws IOException {
    return tcp("127.0.0.1", port);
  }

  static RawClient tcp(String host, int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), 5_000);
    s.setSoTimeout(5_000);
    s.setTcpNoDelay(true);
    return new RawClient(s, s.getInputStream(), s.getOutputStream());
  }

  static RawClient unix(Path path) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(path));
    return new RawClient(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
  }

  /** Sends {@code text} as ISO-8859-1 bytes. */
  RawClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Sends a command as a RESP array of bulk strings. */
  RawClient command(String... args) throws IOException {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
          .append(a).append("\r\n");
    }
    return send(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Reads exactly {@code n} bytes and returns them as ISO-8859-1 text. */
  String read(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** Reads as many bytes as {@code expected} has. */
  String readLike(String expected) throws IOException {
    return read(expected.getBytes(StandardCharsets.ISO_8859_1).length);
  }

  /** Reads one line including CRLF. */
  String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1 << 20; i++) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      sb.append((char) c);
      if (c == '\n') {
        break;
      }
    }
    return sb.toString();
  }

  /** Reads one whole RESP2/RESP3 reply. */
  RespValue reply() throws IOException {
    return RespValue.read(in);
  }

  /** Sends a command given as raw argument bytes, as a RESP array of bulk strings. */
  RawClient command(java.util.List<byte[]> args) throws IOException {
    java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
    frame.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : args) {
      frame.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      frame.writeBytes(a);
      frame.writeBytes(new byte[] {'\r', '\n'});
    }
    return send(frame.toByteArray());
  }

  /** Returns whether the server closed the connection (reads end of stream). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws Exception {
    socket.close();
  }

}
