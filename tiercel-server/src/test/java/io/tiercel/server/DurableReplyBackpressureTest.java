package io.tiercel.server;

import static io.tiercel.server.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.ManualClock;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Under {@code appendfsync always}, a write's reply waits for its fsync even when large replies
 * behind it in the same read fill the reply buffer early, and those replies wait with it rather
 * than piling up: the node runs no more of the read until the fsync is done.
 */
class DurableReplyBackpressureTest {
  private static final int VALUE_BYTES = 100 << 10;
  private static final int GETS = 200;

  @TempDir Path dir;

  @Test
  void aWritesReplyAndTheLargeRepliesBehindItWaitForItsFsyncWithinOneRead() throws Exception {
    StallableFsync fsync = new StallableFsync();
    ServerConfig config = new ServerConfig().set("port", "0").set("dir", dir.toString())
        .set("appendonly", "yes").set("appendfsync", "always");
    TiercelServer server = new TiercelServer(config, new ManualClock(0)).logSync(fsync).start();
    byte[] big = new byte[VALUE_BYTES];
    Arrays.fill(big, (byte) 'v');
    try (Jedis admin = new Jedis("127.0.0.1", server.port());
        Socket client = new Socket()) {
      admin.set("big".getBytes(StandardCharsets.UTF_8), big);
      client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      fsync.arm();
      // One write: a SET, then GETs asking for 20 MB of replies.
      StringBuilder pipeline = new StringBuilder("SET a 1\r\n");
      for (int i = 0; i < GETS; i++) {
        pipeline.append("GET big\r\n");
      }
      client.getOutputStream().write(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();

      assertThat(eventually(() -> fsync.stalled() > 0)).as("the SET's fsync started").isTrue();
      assertThat(eventually(() -> hits(admin) >= 1)).as("the first GET ran").isTrue();
      // The first GET's reply crossed the early-write size; the SET's +OK is in front of it and
      // is not durable, so nothing may reach the client, and nothing more of the read may run.
      client.setSoTimeout(300);
      InputStream in = client.getInputStream();
      assertThatThrownBy(in::read).as("a reply arrived before the SET's fsync")
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(hits(admin)).as("GETs run while their replies wait for the fsync").isEqualTo(1);

      fsync.open();
      client.setSoTimeout(10_000);
      assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
      byte[] header = ("$" + VALUE_BYTES + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < GETS; i++) {
        assertThat(in.readNBytes(header.length)).as("reply %d", i).isEqualTo(header);
        assertThat(Arrays.equals(in.readNBytes(VALUE_BYTES), big)).as("reply %d", i).isTrue();
        assertThat(in.readNBytes(2)).isEqualTo("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      assertThat(hits(admin)).isEqualTo(GETS);
    } finally {
      fsync.open();
      server.close();
    }
  }

  /** Returns the node's keyspace_hits. */
  private static long hits(Jedis admin) {
    Matcher m = Pattern.compile("keyspace_hits:(\\d+)").matcher(admin.info("stats"));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
