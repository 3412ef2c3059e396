package io.tiercel.server.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The decision of {@code enable-debug-command} on a peer address: {@code local} admits loopback
 * (IPv4 and IPv6) and UNIX-socket peers and refuses any other address; {@code no} refuses all and
 * {@code yes} admits all. (SyncHubTest checks the same over real sockets, including a
 * non-loopback interface when the host has one.)
 */
class DebugAccessTest {
  private static InetSocketAddress peer(String ip) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), 40000);
  }

  @Test
  void localAdmitsLoopbackAndUnixPeersAndRefusesEveryOtherAddress() throws Exception {
    DebugAccess local = new DebugAccess("local");
    assertThat(local.allowsPeer(peer("127.0.0.1"))).isTrue();
    assertThat(local.allowsPeer(peer("127.3.4.5"))).isTrue();
    assertThat(local.allowsPeer(peer("::1"))).isTrue();
    assertThat(local.allowsPeer(UnixDomainSocketAddress.of("/tmp/x.sock"))).isTrue();
    assertThat(local.allowsPeer(peer("192.0.2.7"))).isFalse();
    assertThat(local.allowsPeer(peer("10.0.0.1"))).isFalse();
    assertThat(local.allowsPeer(peer("2001:db8::1"))).isFalse();
    assertThat(local.allowsPeer(peer("0.0.0.0"))).as("the wildcard is not a loopback peer")
        .isFalse();
    assertThat(local.allowsPeer(InetSocketAddress.createUnresolved("localhost", 1)))
        .as("an unresolved name is not trusted").isFalse();
    assertThat(local.refusal("SYNCHUB DEBUG")).contains("enable-debug-command local")
        .contains("this client is not local");
  }

  @Test
  void noRefusesAndYesAdmitsEveryPeerAndOtherModesAreRejected() throws Exception {
    assertThat(new DebugAccess("no").allowsPeer(peer("127.0.0.1"))).isFalse();
    assertThat(new DebugAccess("NO").allowsPeer(UnixDomainSocketAddress.of("/tmp/x"))).isFalse();
    assertThat(new DebugAccess("yes").allowsPeer(peer("192.0.2.7"))).isTrue();
    assertThatThrownBy(() -> new DebugAccess("maybe"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: no, yes");
  }
}
