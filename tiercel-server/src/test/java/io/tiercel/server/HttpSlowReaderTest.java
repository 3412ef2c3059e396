package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * An HTTP/1.1 client that pipelines GETs of large values on one keep-alive connection and never
 * reads the responses stops being answered and read from, so the node holds a bounded amount for
 * it; once it reads, every response arrives, in order. Real sockets, in-process node.
 */
class HttpSlowReaderTest {
  private static final int VALUE_BYTES = 64 << 10;
  private static final int KEYS = 16;
  /** 2,000 GETs of 64 KB ask for 128 MB of responses. */
  private static final int REQUESTS = 2_000;
  /**
   * The most responses the node may write for a client that reads nothing: the 1 MB water mark
   * and what loopback's kernel buffers take (several MB), in 64 KB values; 2,000 without a bound.
   */
  private static final int MAX_ANSWERED = 200;
  /** Passes of at most 10 ms without room in the socket after which the client stops sending. */
  private static final int STALLED_PASSES = 200;

  @TempDir Path dir;

  @Test
  void aClientThatNeverReadsPipelinedResponsesStopsBeingReadAndLaterGetsThemAllInOrder()
      throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("http-port", "0"));
        Jedis jedis = new Jedis("127.0.0.1", f.port());
        SocketChannel client = SocketChannel.open();
        Selector selector = Selector.open()) {
      for (int k = 0; k < KEYS; k++) {
        jedis.set("k" + k, value(k));
      }
      client.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
      client.connect(new InetSocketAddress("127.0.0.1", f.server.httpPort()));
      client.configureBlocking(false);
      SelectionKey key = client.register(selector, SelectionKey.OP_WRITE);
      int sent = 0;
      ByteBuffer rest = ByteBuffer.allocate(0);
      int stalled = 0;
      // Bounded: sends every request, or stops after STALLED_PASSES waits without room.
      while ((sent < REQUESTS || rest.hasRemaining()) && stalled < STALLED_PASSES) {
        if (!rest.hasRemaining()) {
          int batch = Math.min(50, REQUESTS - sent);
          rest = ByteBuffer.wrap(requests(sent, batch));
          sent += batch;
        }
        if (client.write(rest) > 0) {
          stalled = 0;
          continue;
        }
        selector.select(10);
        selector.selectedKeys().clear();
        stalled++;
      }
      try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .build()) {
        // It answers until 1 MB waits for the client (kernel buffers aside), then no more.
        double answered = 0;
        for (int i = 0; i < 2_000 && answered < 16; i++) {
          answered = answeredKeyGets(http, f);
        }
        assertThat(answered).as("the node answered the first GETs").isGreaterThanOrEqualTo(16);
        for (int i = 0; i < 20; i++) {
          answered = Math.max(answered, answeredKeyGets(http, f));
        }

        assertThat(answered).as("GETs answered to a client that reads nothing")
            .isLessThan(MAX_ANSWERED);
      }
      assertThat(jedis.get("k1")).isEqualTo(value(1));
      readsEveryResponseInOrder(client, selector, key, rest, sent);
    }
  }

  /** Sends {@code rest} and reads {@code n} responses, each the value of {@code k<i % KEYS>}. */
  private static void readsEveryResponseInOrder(SocketChannel client, Selector selector,
      SelectionKey key, ByteBuffer rest, int n) throws Exception {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
    byte[] buf = new byte[0];
    int at = 0;
    for (int i = 0; i < n; i++) {
      int end;
      while ((end = responseEnd(buf, at)) < 0) {
        key.interestOps(SelectionKey.OP_READ | (rest.hasRemaining() ? SelectionKey.OP_WRITE : 0));
        assertThat(selector.select(10_000)).as("progress towards response %d of %d", i, n)
            .isPositive();
        selector.selectedKeys().clear();
        if (rest.hasRemaining()) {
          client.write(rest);
        }
        chunk.clear();
        assertThat(client.read(chunk)).as("response %d of %d", i, n).isNotNegative();
        in.reset();
        in.write(buf, at, buf.length - at);
        in.write(chunk.array(), 0, chunk.position());
        buf = in.toByteArray();
        at = 0;
      }
      String head = new String(buf, at, headEnd(buf, at) - at, StandardCharsets.ISO_8859_1);
      assertThat(head).as("response %d", i).startsWith("HTTP/1.1 200");
      String body = new String(buf, end - VALUE_BYTES, VALUE_BYTES, StandardCharsets.US_ASCII);
      assertThat(body).as("response %d", i).isEqualTo(value(i % KEYS));
      at = end;
    }
    assertThat(at).as("nothing after the last response").isEqualTo(buf.length);
  }

  /** Returns where the response starting at {@code from} ends, or -1 if not all here. */
  private static int responseEnd(byte[] b, int from) {
    int head = headEnd(b, from);
    if (head < 0) {
      return -1;
    }
    String headers = new String(b, from, head - from, StandardCharsets.ISO_8859_1);
    int at = headers.toLowerCase().indexOf("content-length:");
    int eol = headers.indexOf('\r', at);
    int length = Integer.parseInt(headers.substring(at + 15, eol).trim());
    return head + length <= b.length ? head + length : -1;
  }

  /** Returns the index after the blank line ending the headers at {@code from}, or -1. */
  private static int headEnd(byte[] b, int from) {
    for (int i = from; i + 3 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  private static byte[] requests(int first, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = first; i < first + count; i++) {
      sb.append("GET /caches/default/keys/k").append(i % KEYS)
          .append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Returns how many GETs of a key the node has answered (2xx), from its metrics. */
  private static double answeredKeyGets(HttpClient http, ServerFixture f) throws Exception {
    return Prometheus.scrape(http, f)
        .value("tiercel_http_requests_total{route=\"key\",status=\"2xx\"}");
  }

  private static String value(int k) {
    char[] v = new char[VALUE_BYTES];
    Arrays.fill(v, (char) ('a' + k));
    return new String(v);
  }
}
