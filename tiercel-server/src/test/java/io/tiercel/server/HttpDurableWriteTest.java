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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Under {@code appendfsync always}, an HTTP write is acknowledged only once its log record is on
 * disk, as a RESP write is; requests pipelined behind it are answered after it, in order.
 */
class HttpDurableWriteTest {
  @TempDir Path dir;

  @Test
  void aPutIsAnsweredOnlyAfterItsFsyncAndTheRequestsBehindItAfterIt() throws Exception {
    StallableFsync fsync = new StallableFsync();
    ServerConfig config = new ServerConfig().set("port", "0").set("http-port", "0")
        .set("dir", dir.toString()).set("appendonly", "yes").set("appendfsync", "always");
    TiercelServer server = new TiercelServer(config, new ManualClock(0)).logSync(fsync).start();
    try (Socket client = new Socket(); Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      client.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5_000);
      fsync.arm();
      String put = "PUT /caches/default/keys/a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\n"
          + "hello";
      String get = "GET /caches/default/keys/a HTTP/1.1\r\nHost: t\r\n\r\n";
      client.getOutputStream().write((put + get).getBytes(StandardCharsets.US_ASCII));
      client.getOutputStream().flush();

      assertThat(eventually(() -> fsync.stalled() > 0)).as("the PUT's fsync started").isTrue();
      client.setSoTimeout(300);
      InputStream in = client.getInputStream();
      assertThatThrownBy(in::read).as("the PUT was answered before its fsync")
          .isInstanceOf(SocketTimeoutException.class);
      // The PUT took effect, and a RESP reader that wrote nothing is not held for its fsync.
      assertThat(jedis.get("a")).isEqualTo("hello");

      fsync.open();
      client.setSoTimeout(10_000);
      String putAnswer = head(in);
      assertThat(putAnswer).startsWith("HTTP/1.1 2");
      in.readNBytes(contentLength(putAnswer));
      String getAnswer = head(in);
      assertThat(getAnswer).startsWith("HTTP/1.1 200");
      assertThat(new String(in.readNBytes(contentLength(getAnswer)), StandardCharsets.UTF_8))
          .isEqualTo("hello");
    } finally {
      fsync.open();
      server.close();
    }
  }

  /** Reads a response's status line and headers, through the blank line. */
  private static String head(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      assertThat(c).as("the response ended early: %s", head).isNotNegative();
      head.append((char) c);
    }
    return head.toString();
  }

  /** Returns the response's Content-Length, 0 without one (a 204). */
  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }
}
