package io.tiercel.server.command;

import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Locale;

/**
 * Who may call a node's debugging hooks ({@code enable-debug-command}, as in Redis): nobody
 * ({@code no}, the default), everybody ({@code yes}), or only clients on a loopback address or a
 * UNIX socket ({@code local}).
 */
final class DebugAccess {
  private final String mode;

  /** Creates the rule for {@code mode}: {@code no}, {@code yes} or {@code local}. */
  DebugAccess(String mode) {
    this.mode = mode.toLowerCase(Locale.ROOT);
    if (!this.mode.equals("no") && !this.mode.equals("yes") && !this.mode.equals("local")) {
      throw new IllegalArgumentException("enable-debug-command: '" + mode
          + "' (expected: no, yes or local)");
    }
  }

  /** Returns whether {@code s} may call a debugging hook. */
  boolean allows(Session s) {
    return allowsPeer(s.channel.remoteAddress());
  }

  /** Returns whether a client at {@code peer} (its remote address) may call a debugging hook. */
  boolean allowsPeer(SocketAddress peer) {
    return switch (mode) {
      case "yes" -> true;
      case "local" -> isLocal(peer);
      default -> false;
    };
  }

  /** Returns the error a refused {@code command} answers. */
  String refusal(String command) {
    return "ERR " + command + " is not allowed: the node runs with enable-debug-command "
        + mode + (mode.equals("local") ? " and this client is not local" : "")
        + " (a test hook; set enable-debug-command yes or local at start to use it)";
  }

  private static boolean isLocal(SocketAddress a) {
    if (a instanceof InetSocketAddress inet) {
      return inet.getAddress() != null && inet.getAddress().isLoopbackAddress();
    }
    // A UNIX-socket peer may have no address at all; a TCP peer always has one.
    return a instanceof DomainSocketAddress || a instanceof UnixDomainSocketAddress || a == null;
  }
}
