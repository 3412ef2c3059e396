package io.tiercel.bench.load;

import io.tiercel.bench.UsageException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Where the load goes and which protocol it speaks: {@code resp://host:port} (RESP over TCP),
 * {@code unix:///path} (RESP over a UNIX domain socket) or {@code memcache://host:port} (the
 * memcached text protocol).
 */
public record Target(String uri, Protocol protocol, SocketAddress address) {

  /** The wire protocol of a target. */
  public enum Protocol {
    RESP,
    MEMCACHE
  }

  /** Parses a target URI; anything else is a {@link UsageException} naming the accepted forms. */
  public static Target parse(String uri) {
    String text = uri.trim();
    if (text.startsWith("unix://")) {
      String path = text.substring("unix://".length());
      if (path.isEmpty() || !path.startsWith("/")) {
        throw bad(uri);
      }
      return new Target(text, Protocol.RESP, UnixDomainSocketAddress.of(path));
    }
    Protocol protocol;
    String rest;
    if (text.startsWith("resp://")) {
      protocol = Protocol.RESP;
      rest = text.substring("resp://".length());
    } else if (text.startsWith("memcache://")) {
      protocol = Protocol.MEMCACHE;
      rest = text.substring("memcache://".length());
    } else {
      throw bad(uri);
    }
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    int colon = rest.lastIndexOf(':');
    if (colon <= 0 || colon == rest.length() - 1) {
      throw bad(uri);
    }
    String host = rest.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(rest.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw bad(uri);
    }
    if (port < 1 || port > 65535) {
      throw new UsageException("target " + uri + ": port " + port + " (expected: 1 to 65535)");
    }
    return new Target(text, protocol, InetSocketAddress.createUnresolved(host, port));
  }

  /** Opens a blocking connection to the target (TCP_NODELAY on TCP). */
  SocketChannel connect() throws IOException {
    if (address instanceof UnixDomainSocketAddress unix) {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.connect(unix);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      return channel;
    }
    InetSocketAddress unresolved = (InetSocketAddress) address;
    InetSocketAddress resolved =
        new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    SocketChannel channel = SocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.connect(resolved);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  private static UsageException bad(String uri) {
    return new UsageException("target '" + uri
        + "' (expected: resp://host:port, unix:///path or memcache://host:port)");
  }

  @Override
  public String toString() {
    return uri;
  }
}
