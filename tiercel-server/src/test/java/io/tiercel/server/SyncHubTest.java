package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tiercel.core.KeySlot;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SYNCHUB, the agents' sequenced push channel, over real sockets: per-slot sequences in one
 * epoch, a lost delivery shows as a sequence jump and is replayed from the backlog, a forgotten
 * backlog makes the replay say incomplete, and the sequence table reports every moved slot; the
 * test hooks answer an error unless {@code enable-debug-command} allows them, and the backlog
 * keeps {@code synchub-backlog-size} bytes.
 */
class SyncHubTest {
  @TempDir Path dir;
  private ServerFixture node;

  @BeforeEach
  void start() throws Exception {
    node = ServerFixture.start(dir, c -> c.set("enable-debug-command", "yes"));
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private void restart(String key, String value) throws Exception {
    node.close();
    node = ServerFixture.start(dir, c -> c.set(key, value));
  }

  private static long integer(RespValue v) {
    assertThat(v.type()).as(v.printable()).isEqualTo(':');
    return Long.parseLong(v.text());
  }

  @Test
  void lostDeliveryShowsAsSequenceJumpAndIsReplayedUntilTheBacklogIsForgotten()
      throws Exception {
    int slot = KeySlot.of("{a}x".getBytes(StandardCharsets.UTF_8));
    try (RawClient sub = RawClient.tcp(node.port()); RawClient pub = RawClient.tcp(node.port())) {
      RespValue subscribed = sub.command("SYNCHUB", "SUBSCRIBE").reply();
      assertThat(subscribed.children()).hasSize(3);
      assertThat(subscribed.children().get(0).text()).isEqualTo("subscribe");
      long epoch = integer(subscribed.children().get(1));
      assertThat(epoch).isPositive();
      assertThat(subscribed.children().get(2).text()).isEmpty();

      assertThat(integer(pub.command("SYNCHUB", "PUBLISH", "{a}x", "p1").reply())).isEqualTo(1);
      assertThat(sub.reply().raw()).isEqualTo("*5\r\n$4\r\nsync\r\n:" + epoch + "\r\n:" + slot
          + "\r\n:1\r\n$2\r\np1\r\n");

      assertThat(pub.command("SYNCHUB", "DEBUG", "DROPNEXT", "1").reply().text()).isEqualTo("OK");
      assertThat(integer(pub.command("SYNCHUB", "PUBLISH", "{a}y", "p2").reply())).isZero();
      assertThat(integer(pub.command("SYNCHUB", "PUBLISH", "{a}z", "p3").reply())).isEqualTo(1);
      assertThat(sub.reply().raw()).as("seq 2 was never delivered").isEqualTo("*5\r\n$4\r\nsync"
          + "\r\n:" + epoch + "\r\n:" + slot + "\r\n:3\r\n$2\r\np3\r\n");

      assertThat(pub.command("SYNCHUB", "REPLAY", Integer.toString(slot), "1").reply().raw())
          .isEqualTo("*6\r\n:" + epoch + "\r\n:1\r\n:2\r\n$2\r\np2\r\n:3\r\n$2\r\np3\r\n");
      assertThat(pub.command("SYNCHUB", "REPLAY", Integer.toString(slot), "3").reply().raw())
          .as("nothing after the newest: complete and empty")
          .isEqualTo("*2\r\n:" + epoch + "\r\n:1\r\n");

      RespValue seqs = pub.command("SYNCHUB", "SEQS").reply();
      assertThat(seqs.children().get(0).text()).isEqualTo("seqs");
      byte[] table = seqs.children().get(2).text().getBytes(StandardCharsets.ISO_8859_1);
      assertThat(table).isEqualTo(ByteBuffer.allocate(10).putShort((short) slot).putLong(3)
          .array());

      assertThat(pub.command("SYNCHUB", "DEBUG", "FORGET").reply().text()).isEqualTo("OK");
      assertThat(pub.command("SYNCHUB", "REPLAY", Integer.toString(slot), "1").reply().raw())
          .as("the backlog lost them: incomplete").isEqualTo("*2\r\n:" + epoch + "\r\n:0\r\n");
    }
  }

  @Test
  void publishFromAnOriginSkipsThatOriginsSubscriberAndAnswersItsSequence() throws Exception {
    int slot = KeySlot.of("{o}k".getBytes(StandardCharsets.UTF_8));
    try (RawClient own = RawClient.tcp(node.port()); RawClient other = RawClient.tcp(node.port());
        RawClient pub = RawClient.tcp(node.port())) {
      assertThat(own.command("SYNCHUB", "ORIGIN", "7").reply().text()).isEqualTo("OK");
      long epoch = integer(own.command("SYNCHUB", "SUBSCRIBE").reply().children().get(1));
      other.command("SYNCHUB", "SUBSCRIBE").reply();
      assertThat(pub.command("SYNCHUB", "ORIGIN", "7").reply().text()).isEqualTo("OK");

      assertThat(pub.command("SYNCHUB", "PUBLISH", "{o}k", "mine").reply().raw())
          .as("an origin's publish answers [epoch, seq]")
          .isEqualTo("*2\r\n:" + epoch + "\r\n:1\r\n");
      assertThat(other.reply().raw()).isEqualTo("*5\r\n$4\r\nsync\r\n:" + epoch + "\r\n:"
          + slot + "\r\n:1\r\n$4\r\nmine\r\n");

      assertThat(pub.command("SYNCHUB", "ORIGIN", "0").reply().text()).isEqualTo("OK");
      assertThat(integer(pub.command("SYNCHUB", "PUBLISH", "{o}k", "anon").reply()))
          .as("without an origin: delivered to both, the receiver count answered").isEqualTo(2);
      assertThat(own.reply().raw()).as("the origin's own message never reached it")
          .isEqualTo("*5\r\n$4\r\nsync\r\n:" + epoch + "\r\n:" + slot
              + "\r\n:2\r\n$4\r\nanon\r\n");
      assertThat(other.reply().raw()).endsWith(":2\r\n$4\r\nanon\r\n");
      assertThat(pub.command("SYNCHUB", "ORIGIN", "x").reply().isError()).isTrue();

      assertThat(pub.command("SYNCHUB", "ORIGIN", "7").reply().text()).isEqualTo("OK");
      assertThat(pub.command("RESET").reply().text()).isEqualTo("RESET");
      assertThat(integer(pub.command("SYNCHUB", "PUBLISH", "{o}k", "after-reset").reply()))
          .as("RESET forgets the origin: delivered to both again").isEqualTo(2);
      assertThat(own.reply().raw()).endsWith(":3\r\n$11\r\nafter-reset\r\n");
      assertThat(other.reply().raw()).endsWith(":3\r\n$11\r\nafter-reset\r\n");
    }
  }

  @Test
  void badArgumentsGetClearErrorsAndAClosedSubscriberIsForgotten() throws Exception {
    try (RawClient pub = RawClient.tcp(node.port())) {
      assertThat(pub.command("SYNCHUB", "REPLAY", "16384", "0").reply().text())
          .isEqualTo("ERR slot 16384 (expected: 0..16383)");
      assertThat(pub.command("SYNCHUB", "REPLAY", "x", "0").reply().isError()).isTrue();
      assertThat(pub.command("SYNCHUB", "NOPE").reply().text())
          .startsWith("ERR unknown subcommand");
      assertThat(pub.command("SYNCHUB", "PUBLISH", "k").reply().isError()).isTrue();
      try (RawClient sub = RawClient.tcp(node.port())) {
        sub.command("SYNCHUB", "SUBSCRIBE").reply();
        assertThat(integer(pub.command("SYNCHUB", "PUBLISH", "k", "v").reply())).isEqualTo(1);
        assertThat(sub.command("SYNCHUB", "UNSUBSCRIBE").reply().raw())
            .as("the message came first, then the reply").contains("sync");
        assertThat(sub.reply().text()).isEqualTo("OK");
        assertThat(integer(pub.command("SYNCHUB", "PUBLISH", "k", "v").reply())).isZero();
        sub.command("SYNCHUB", "SUBSCRIBE").reply();
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      long receivers;
      do {
        receivers = integer(pub.command("SYNCHUB", "PUBLISH", "k", "v").reply());
      } while (receivers != 0 && System.nanoTime() < deadline);
      assertThat(receivers).as("a closed subscriber is removed").isZero();
    }
  }

  @Test
  void debugHooksAreRefusedWithAClearErrorUnlessEnabled() throws Exception {
    restart("enable-debug-command", "no");
    try (RawClient c = RawClient.tcp(node.port())) {
      RespValue refused = c.command("SYNCHUB", "DEBUG", "DROPNEXT", "1").reply();
      assertThat(refused.isError()).isTrue();
      assertThat(refused.text()).startsWith("ERR SYNCHUB DEBUG is not allowed")
          .contains("enable-debug-command no");
      assertThat(c.command("SYNCHUB", "DEBUG", "FORGET").reply().isError()).isTrue();
      c.command("SYNCHUB", "SUBSCRIBE").reply();
      assertThat(integer(c.command("SYNCHUB", "PUBLISH", "k", "v").reply()))
          .as("the refused DROPNEXT dropped nothing").isEqualTo(1);
    }
    restart("enable-debug-command", "local");
    try (RawClient tcp = RawClient.tcp(node.port()); RawClient unix = RawClient.unix(
        node.socket())) {
      assertThat(tcp.command("SYNCHUB", "DEBUG", "FORGET").reply().text())
          .as("loopback is local").isEqualTo("OK");
      assertThat(unix.command("SYNCHUB", "DEBUG", "FORGET").reply().text())
          .as("a UNIX socket is local").isEqualTo("OK");
    }
  }

  /** Returns an IPv4 address of this host that is not loopback, or null if it has none. */
  private static String nonLoopbackAddress() throws Exception {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          return a.getHostAddress();
        }
      }
    }
    return null;
  }

  @Test
  void localDebugHooksRefuseAClientOnANonLoopbackAddress() throws Exception {
    String address = nonLoopbackAddress();
    assumeTrue(address != null, "this host has no non-loopback IPv4 address (DebugAccessTest "
        + "covers the decision on such an address)");
    node.close();
    node = ServerFixture.start(dir, c -> c.set("enable-debug-command", "local")
        .set("bind", "0.0.0.0"));
    try (RawClient remote = RawClient.tcp(address, node.port());
        RawClient loopback = RawClient.tcp(node.port())) {
      RespValue refused = remote.command("SYNCHUB", "DEBUG", "FORGET").reply();
      assertThat(refused.isError()).as(address + " is not local").isTrue();
      assertThat(refused.text()).contains("enable-debug-command local")
          .contains("this client is not local");
      assertThat(remote.command("SYNCHUB", "DEBUG", "DROPNEXT", "1").reply().isError()).isTrue();
      assertThat(loopback.command("SYNCHUB", "DEBUG", "FORGET").reply().text()).isEqualTo("OK");
    }
  }

  @Test
  void backlogKeepsSynchubBacklogSizeBytesAndRejectsABadSize() throws Exception {
    int slot = KeySlot.of("{b}k".getBytes(StandardCharsets.UTF_8));
    String payload = "x".repeat(200);
    try (RawClient c = RawClient.tcp(node.port())) {
      assertThat(c.command("CONFIG", "GET", "synchub-backlog-size").reply().raw())
          .contains(Long.toString(8L << 20));
      assertThat(c.command("CONFIG", "SET", "synchub-backlog-size", "1kb").reply().text())
          .contains("synchub-backlog-size").contains("16kb");
      for (int i = 0; i < 200; i++) {
        c.command("SYNCHUB", "PUBLISH", "{b}k", payload).reply();
      }
      assertThat(c.command("SYNCHUB", "REPLAY", Integer.toString(slot), "0").reply()
          .children().get(1).text()).as("8mb keeps all 200").isEqualTo("1");

      assertThat(c.command("CONFIG", "SET", "synchub-backlog-size", "16kb").reply().text())
          .isEqualTo("OK");
      RespValue replay = c.command("SYNCHUB", "REPLAY", Integer.toString(slot), "0").reply();
      assertThat(replay.children().get(1).text()).as("16kb lost the oldest").isEqualTo("0");
      int kept = (replay.children().size() - 2) / 2;
      assertThat(kept).isBetween(16 * 1024 / (200 + 48) - 1, 16 * 1024 / 200);
      assertThat(replay.children().get(replay.children().size() - 2).text())
          .as("the newest is kept").isEqualTo("200");
    }
  }
}
