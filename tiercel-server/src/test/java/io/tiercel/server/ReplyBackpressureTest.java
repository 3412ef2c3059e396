package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A client that pipelines commands in one write and never reads the replies stops being served
 * within that write, not only after it: the node holds about its write water mark for it, not
 * every reply the write asked for, and the client gets every reply in order once it reads.
 */
class ReplyBackpressureTest {
  private static final int VALUE_BYTES = 64 << 10;
  private static final int KEYS = 16;
  private static final int GETS = 2_000;
  /** The 1 MB write water mark, plus one early write (64 KB) and one reply's slack. */
  private static final long BOUND = 2L << 20;

  @TempDir Path dir;

  @Test
  void getsOfLargeValuesInOneWriteStopBeingRunWhileTheClientDoesNotRead() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        Jedis admin = new Jedis("127.0.0.1", f.port());
        Socket stalled = new Socket()) {
      for (int k = 0; k < KEYS; k++) {
        admin.set(("k" + k).getBytes(StandardCharsets.UTF_8), value(k));
      }
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", f.port()), 5_000);
      stalled.setSoTimeout(10_000);
      // 2,000 inline GETs, about 14 KB: one read asking for 128 MB of replies.
      StringBuilder gets = new StringBuilder();
      for (int i = 0; i < GETS; i++) {
        gets.append("GET k").append(i % KEYS).append("\r\n");
      }
      stalled.getOutputStream().write(gets.toString().getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();

      long most = 0;
      for (int i = 0; i < 1_000 && most < 512 << 10; i++) {
        most = Math.max(most, outputBytes(admin));
      }
      assertThat(most).as("the node started answering").isGreaterThanOrEqualTo(512 << 10);
      for (int i = 0; i < 200; i++) {
        most = Math.max(most, outputBytes(admin));
      }
      assertThat(most).as("CLIENT LIST omem of the client that does not read")
          .isLessThan(BOUND);
      assertThat(admin.get("k1".getBytes(StandardCharsets.UTF_8))).isEqualTo(value(1));

      InputStream in = stalled.getInputStream();
      byte[] header = ("$" + VALUE_BYTES + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < GETS; i++) {
        assertThat(in.readNBytes(header.length)).as("reply %d", i).isEqualTo(header);
        assertThat(Arrays.equals(in.readNBytes(VALUE_BYTES), value(i % KEYS)))
            .as("reply %d is k%d's value", i, i % KEYS).isTrue();
        assertThat(in.readNBytes(2)).isEqualTo("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  private static byte[] value(int k) {
    byte[] v = new byte[VALUE_BYTES];
    Arrays.fill(v, (byte) ('a' + k));
    return v;
  }

  /** Returns the largest omem in CLIENT LIST (the admin's own is 0 between its commands). */
  private static long outputBytes(Jedis admin) {
    Matcher m = Pattern.compile("omem=(\\d+)").matcher(admin.clientList());
    long most = 0;
    while (m.find()) {
      most = Math.max(most, Long.parseLong(m.group(1)));
    }
    return most;
  }
}
