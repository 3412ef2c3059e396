package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.server.config.ConfigKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * client-output-buffer-limit: a client that stops reading its pushes is closed before they fill
 * the node, and nobody else notices.
 */
class OutputBufferLimitTest {
  private static final byte[] MESSAGE = new byte[16 << 10];
  /** Enough 16 KB messages to fill any loopback socket buffers and then 1 MB more, many times. */
  private static final int MAX_PUBLISHES = 4_000;

  @TempDir Path dir;

  @Test
  void aSubscriberThatStopsReadingIsClosedAtTheHardLimitAndOthersAreStillServed() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir,
            c -> c.set("client-output-buffer-limit", "pubsub 1mb 0 0"));
        Jedis admin = new Jedis("127.0.0.1", f.port());
        Socket stalled = subscriberThatStopsReading(f.port(), "news")) {
      admin.set("kept", "v");
      int published = publishUntilNobodyListens(admin, "news");

      assertThat(published).as("PUBLISH reached nobody within the bound").isLessThan(MAX_PUBLISHES);
      assertThat(stats(admin)).containsEntry("client_output_buffer_limit_disconnections", "1");
      assertThat(admin.pubsubNumSub("news")).containsEntry("news", 0L);
      assertThat(endsWithClose(stalled.getInputStream())).isTrue();
      assertThat(admin.get("kept")).isEqualTo("v");
      assertThat(admin.clientList()).doesNotContain("sub=1");
      try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        assertThat(Prometheus.scrape(http, f)
            .value("tiercel_clients_output_limit_disconnections_total")).isEqualTo(1.0);
      }
    }
  }

  @Test
  void aSubscriberOverTheSoftLimitIsClosedOnlyAfterItsGraceSeconds() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir,
            c -> c.set("client-output-buffer-limit", "pubsub 0 64kb 10"));
        Jedis admin = new Jedis("127.0.0.1", f.port());
        // A UNIX socket: its kernel buffer has a fixed size, so once full, what waits only grows.
        SocketChannel stalled = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      stalled.connect(UnixDomainSocketAddress.of(f.socket()));
      InputStream in = Channels.newInputStream(stalled);
      stalled.write(ByteBuffer.wrap(
          "*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nnews\r\n".getBytes(StandardCharsets.UTF_8)));
      readUntil(in, ":1\r\n");
      // 1 MB: several times what the socket's kernel buffer takes, so most of it waits in the node.
      for (int i = 0; i < 64; i++) {
        assertThat(admin.publish("news".getBytes(StandardCharsets.UTF_8), MESSAGE)).isEqualTo(1);
      }
      long waiting = 0;
      for (int i = 0; i < 1_000 && waiting <= 512 << 10; i++) {
        waiting = subscriberOutputBytes(admin);
      }
      assertThat(waiting).as("CLIENT LIST omem").isGreaterThan(512 << 10);
      assertThat(Long.parseLong(info(admin, "clients").get("client_recent_max_output_buffer")))
          .isGreaterThanOrEqualTo(waiting);
      // Far over the soft limit, but the node's clock has not moved: still subscribed.
      assertThat(admin.pubsubNumSub("news")).containsEntry("news", 1L);
      assertThat(stats(admin)).containsEntry("client_output_buffer_limit_disconnections", "0");

      f.clock.advance(Duration.ofSeconds(11));
      int more = publishUntilNobodyListens(admin, "news");

      assertThat(more).as("a push after the grace period closes it").isLessThan(MAX_PUBLISHES);
      assertThat(stats(admin)).containsEntry("client_output_buffer_limit_disconnections", "1");
    }
  }

  @Test
  void aSubscriberThatReadsIsNeverClosedHoweverMuchIsPublished() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir,
            c -> c.set("client-output-buffer-limit", "pubsub 256kb 64kb 0"));
        Jedis admin = new Jedis("127.0.0.1", f.port());
        Socket reader = subscriberThatStopsReading(f.port(), "news")) {
      InputStream in = reader.getInputStream();
      // *3 $7 message $4 news $16384 <message>: read each before publishing the next.
      int frame = 4 + 13 + 10 + ("$" + MESSAGE.length + "\r\n").length() + MESSAGE.length + 2;
      for (int i = 0; i < 200; i++) {
        assertThat(admin.publish("news".getBytes(StandardCharsets.UTF_8), MESSAGE)).isEqualTo(1);
        assertThat(in.readNBytes(frame)).hasSize(frame);
      }
      assertThat(stats(admin)).containsEntry("client_output_buffer_limit_disconnections", "0");
      assertThat(admin.pubsubNumSub("news")).containsEntry("news", 1L);
    }
  }

  @Test
  void trackingInvalidationsAreBoundedToo() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir,
            c -> c.set("client-output-buffer-limit", "pubsub 256kb 0 0"));
        Jedis writer = new Jedis("127.0.0.1", f.port());
        Socket stalled = connect(f.port())) {
      // A RESP3 client tracking in broadcast mode gets one invalidation per write, and stops reading.
      send(stalled, "HELLO", "3");
      send(stalled, "CLIENT", "TRACKING", "on", "BCAST");
      readUntil(stalled.getInputStream(), "+OK\r\n");
      byte[] longKey = new byte[8 << 10];
      int writes = 0;
      while (writes < MAX_PUBLISHES && stats(writer)
          .get("client_output_buffer_limit_disconnections").equals("0")) {
        for (int i = 0; i < 50; i++) {
          longKey[0] = (byte) writes++;
          writer.set(longKey, MESSAGE);
        }
      }
      assertThat(stats(writer)).containsEntry("client_output_buffer_limit_disconnections", "1");
      assertThat(endsWithClose(stalled.getInputStream())).isTrue();
      assertThat(writer.dbSize()).isPositive();
    }
  }

  @Test
  void anAgentThatStopsReadingSyncMessagesIsClosedAndLeavesTheHub() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir,
            c -> c.set("client-output-buffer-limit", "pubsub 512kb 0 0"));
        Jedis publisher = new Jedis("127.0.0.1", f.port());
        Socket stalled = connect(f.port())) {
      send(stalled, "SYNCHUB", "SUBSCRIBE");
      readUntil(stalled.getInputStream(), "subscribe\r\n");
      long receivers = 1;
      int n = 0;
      while (receivers > 0 && n < MAX_PUBLISHES) {
        receivers = (Long) publisher.sendCommand(SyncHubCommand.SYNCHUB,
            "PUBLISH".getBytes(StandardCharsets.UTF_8),
            ("k" + n++).getBytes(StandardCharsets.UTF_8), MESSAGE);
      }

      assertThat(receivers).as("SYNC messages reached nobody within the bound").isZero();
      assertThat(stats(publisher)).containsEntry("client_output_buffer_limit_disconnections", "1");
      assertThat(endsWithClose(stalled.getInputStream())).isTrue();
    }
  }

  /** The agents' command, which Jedis does not know. */
  private enum SyncHubCommand implements redis.clients.jedis.commands.ProtocolCommand {
    SYNCHUB;

    @Override
    public byte[] getRaw() {
      return name().getBytes(StandardCharsets.US_ASCII);
    }
  }

  @Test
  void configSetChangesTheLimitAndRejectsBadValuesWithTheirReason() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        Jedis admin = new Jedis("127.0.0.1", f.port())) {
      assertThat(admin.configGet("client-output-buffer-limit")).containsEntry(
          "client-output-buffer-limit",
          "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
      admin.configSet("client-output-buffer-limit", "pubsub 1mb 512kb 5");
      assertThat(admin.configGet("client-output-buffer-limit")).containsEntry(
          "client-output-buffer-limit",
          "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 5");
      assertThatThrownBy(() -> admin.configSet("client-output-buffer-limit", "pubsub 1mb"))
          .isInstanceOf(JedisDataException.class)
          .hasMessage("ERR CONFIG SET failed (possibly related to argument "
              + "'client-output-buffer-limit') - client-output-buffer-limit: 'pubsub 1mb' "
              + "(expected: CLASS HARD SOFT SECONDS ..., a multiple of 4 words)");
      assertThatThrownBy(() -> admin.configSet("client-output-buffer-limit", "master 1 1 1"))
          .hasMessageContaining(
              "a client class of normal, replica (or slave) or pubsub, not 'master'");
      assertThatThrownBy(() -> admin.configSet("client-output-buffer-limit", "pubsub lots 0 0"))
          .hasMessageContaining("a hard or soft limit such as 32mb, not 'lots'");
      assertThatThrownBy(() -> admin.configSet("client-output-buffer-limit", "pubsub 0 0 -1"))
          .hasMessageContaining("soft seconds as a whole number, not '-1'");
      assertThat(admin.configGet("client-output-buffer-limit")).containsEntry(
          "client-output-buffer-limit",
          "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 5");
    }
  }

  @Test
  void configSetOfOneClassKeepsTheOthersCurrentLimits() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        Jedis admin = new Jedis("127.0.0.1", f.port())) {
      admin.configSet("client-output-buffer-limit", "normal 1gb 8MB 10 slave 64kb 32kb 0");
      admin.configSet("client-output-buffer-limit", "pubsub 0 0 0");
      assertThat(admin.configGet("client-output-buffer-limit")).containsEntry(
          "client-output-buffer-limit",
          "normal 1073741824 8388608 10 slave 65536 32768 0 pubsub 0 0 0");
      // replica is slave; the last of a class named twice wins; empty names no class.
      admin.configSet("client-output-buffer-limit", "replica 1 2 3 REPLICA 4 5 6");
      admin.configSet("client-output-buffer-limit", "");
      assertThat(admin.configGet("client-output-buffer-limit")).containsEntry(
          "client-output-buffer-limit",
          "normal 1073741824 8388608 10 slave 4 5 6 pubsub 0 0 0");
    }
  }

  @Test
  void anInvalidValueChangesNoClassAndNothingElseInItsConfigSet() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        Jedis admin = new Jedis("127.0.0.1", f.port())) {
      String before = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
      // A good class before a bad one, a good value before a bad key's, the key named twice.
      assertThatThrownBy(() -> admin.configSet("client-output-buffer-limit",
          "normal 1mb 1mb 1 master 1 1 1")).hasMessageContaining("not 'master'");
      assertThatThrownBy(() -> admin.configSet("client-output-buffer-limit",
          "pubsub 1mb 1mb 1 normal 1mb")).hasMessageContaining("a multiple of 4 words");
      assertThatThrownBy(() -> admin.configSet("client-output-buffer-limit", "pubsub 1mb 1mb 1",
          "maxclients", "0")).hasMessageContaining("maxclients: '0'");
      assertThatThrownBy(() -> admin.configSet("client-output-buffer-limit", "normal 1 1 1",
          "client-output-buffer-limit", "pubsub 1 1 1")).hasMessage("ERR CONFIG SET failed "
              + "(possibly related to argument 'client-output-buffer-limit') - duplicate parameter");
      assertThat(admin.configGet("client-output-buffer-limit"))
          .containsEntry("client-output-buffer-limit", before);
      assertThat(admin.configGet("maxclients")).containsEntry("maxclients", "10000");
    }
  }

  @Test
  void aConfigFileWithOneLinePerClassKeepsAllThreeAndAFlagChangesOnlyItsClass() throws Exception {
    Path file = dir.resolve("tiercel.conf");
    Files.writeString(file, """
        client-output-buffer-limit normal 1mb 512kb 5
        client-output-buffer-limit replica 2mb 1mb 10
        client-output-buffer-limit pubsub 4mb 2mb 20
        """);
    try (ServerFixture f = ServerFixture.start(dir, c -> c.loadFile(file));
        Jedis admin = new Jedis("127.0.0.1", f.port())) {
      assertThat(admin.configGet("client-output-buffer-limit")).containsEntry(
          "client-output-buffer-limit",
          "normal 1048576 524288 5 slave 2097152 1048576 10 pubsub 4194304 2097152 20");
    }
    ServerConfig flagged = ServerConfig.parse("--config", file.toString(),
        "--client-output-buffer-limit", "slave 0 0 0");
    assertThat(flagged.get(ConfigKeys.CLIENT_OUTPUT_BUFFER_LIMIT).format()).isEqualTo(
        "normal 1048576 524288 5 slave 0 0 0 pubsub 4194304 2097152 20");
    Files.writeString(file, """
        client-output-buffer-limit normal 1mb 512kb 5
        client-output-buffer-limit pubsub 4mb 2mb soon
        """);
    assertThatThrownBy(() -> ServerConfig.parse("--config", file.toString()))
        .hasMessageContaining("tiercel.conf:2: client-output-buffer-limit: 'pubsub 4mb 2mb soon'");
  }

  /** Publishes 16 KB messages until PUBLISH reaches nobody; returns how many it took. */
  private static int publishUntilNobodyListens(Jedis publisher, String channel) {
    byte[] name = channel.getBytes(StandardCharsets.UTF_8);
    int n = 0;
    while (n < MAX_PUBLISHES && publisher.publish(name, MESSAGE) > 0) {
      n++;
    }
    return n;
  }

  /** Returns the omem of the one subscribed client, from CLIENT LIST. */
  private static long subscriberOutputBytes(Jedis admin) {
    Matcher m = Pattern.compile("sub=1 .* omem=(\\d+)").matcher(admin.clientList());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static Map<String, String> stats(Jedis admin) {
    return info(admin, "stats");
  }

  private static Map<String, String> info(Jedis admin, String section) {
    Map<String, String> fields = new java.util.HashMap<>();
    for (String line : admin.info(section).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return fields;
  }

  /** Connects with a small receive buffer, so the node's side fills quickly once it stops reading. */
  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Subscribes to {@code channel}, reads the confirmation, and then reads nothing more. */
  private static Socket subscriberThatStopsReading(int port, String channel) throws IOException {
    Socket s = connect(port);
    send(s, "SUBSCRIBE", channel);
    readUntil(s.getInputStream(), ":1\r\n");
    return s;
  }

  private static void send(Socket s, String... args) throws IOException {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    s.getOutputStream().write(sb.toString().getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  private static void readUntil(InputStream in, String end) throws IOException {
    byte[] want = end.getBytes(StandardCharsets.UTF_8);
    byte[] last = new byte[want.length];
    for (int i = 0; i < 64 << 10; i++) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before " + end.strip());
      }
      System.arraycopy(last, 1, last, 0, last.length - 1);
      last[last.length - 1] = (byte) b;
      if (Arrays.equals(last, want)) {
        return;
      }
    }
    throw new IOException("no " + end.strip() + " in the first 64 KB");
  }

  /** Drains what the node sent before closing; returns whether the stream ended (bounded). */
  private static boolean endsWithClose(InputStream in) throws IOException {
    byte[] sink = new byte[64 << 10];
    try {
      for (long total = 0; total < 256L << 20; ) {
        int n = in.read(sink);
        if (n < 0) {
          return true;
        }
        total += n;
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the node's close
    }
    return false;
  }
}
