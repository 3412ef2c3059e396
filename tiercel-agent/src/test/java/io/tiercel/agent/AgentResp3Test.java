package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code HELLO 3}, GGET/GSET/GDEL answer byte for byte what the local GET/SET/DEL answer
 * (a missing key is {@code _}, not {@code $-1}); a RESP2 session still gets {@code $-1}. Real
 * node process; raw RESP over the agent's UNIX socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentResp3Test {
  @TempDir Path dir;
  private NodeProcess node;
  private TiercelAgent agent;

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(agent, node);
  }

  /** Pairs of (local command, the same command forwarded), run in this order. */
  private static final String[][][] PAIRS = {
    {{"GET", "missing"}, {"GGET", "missing"}},
    {{"SET", "k", "v"}, {"GSET", "k", "v"}},
    {{"SET", "k", "w", "NX"}, {"GSET", "k", "w", "NX"}},
    {{"SET", "k", "v2", "GET"}, {"GSET", "k", "v2", "GET"}},
    {{"SET", "absent", "v", "XX", "GET"}, {"GSET", "absent", "v", "XX", "GET"}},
    {{"GET", "k"}, {"GGET", "k"}},
    {{"DEL", "k", "absent"}, {"GDEL", "k", "absent"}},
    {{"GET", "k"}, {"GGET", "k"}},
  };

  @Test
  void resp3SessionGetsTheLocalCommandsRepliesFromForwardedOnes() throws Exception {
    start();
    try (RawSession s = new RawSession(dir.resolve("a.sock"))) {
      s.send("HELLO", "3");
      s.send("ECHO", "after-hello");
      s.skipThrough("$11\r\nafter-hello\r\n");
      for (String[][] pair : PAIRS) {
        String local = s.call(pair[0]);
        String global = s.call(pair[1]);
        assertThat(global).as(String.join(" ", pair[1])).isEqualTo(local);
      }
      assertThat(s.call("GGET", "missing")).isEqualTo("_\r\n");
      assertThat(s.call("GSET", "absent", "v", "XX")).isEqualTo("_\r\n");
    }
  }

  @Test
  void pipelinedHelloDoesNotChangeTheProtocolOfAForwardedCommandReadBeforeIt() throws Exception {
    start();
    try (RawSession s = new RawSession(dir.resolve("a.sock"))) {
      s.send("GGET", "missing");
      s.send("HELLO", "3");
      assertThat(s.readReply()).isEqualTo("$-1\r\n");
      s.send("ECHO", "y");
      s.skipThrough("$1\r\ny\r\n");
      assertThat(s.call("GGET", "missing")).isEqualTo("_\r\n");
    }
  }

  @Test
  void resp2SessionStillGetsTheNullBulk() throws Exception {
    start();
    try (RawSession s = new RawSession(dir.resolve("a.sock"))) {
      assertThat(s.call("GGET", "missing")).isEqualTo("$-1\r\n");
      assertThat(s.call("GET", "missing")).isEqualTo("$-1\r\n");
    }
  }

  private void start() throws Exception {
    node = NodeProcess.start(0);
    agent = new TiercelAgent(AgentConfig.parse("--unixsocket", dir.resolve("a.sock").toString(),
        "--nodes", "127.0.0.1:" + node.port(), "--io-threads", "1")).start();
  }

  /** A raw RESP session: replies read as text, framed for the simple types these tests get. */
  private static final class RawSession implements AutoCloseable {
    private final SocketChannel ch;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    RawSession(Path socket) throws IOException {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(socket));
    }

    void send(String... args) throws IOException {
      StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
      for (String a : args) {
        sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
      }
      ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }

    String call(String... args) throws IOException {
      send(args);
      return readReply();
    }

    /** Reads one reply of type {@code _ + - :} or {@code $}, returned as its raw text. */
    String readReply() throws IOException {
      String line = readLine();
      if (line.startsWith("$") && !line.equals("$-1\r\n")) {
        int len = Integer.parseInt(line.substring(1, line.length() - 2));
        return line + readBytes(len + 2);
      }
      assertThat(line.charAt(0)).as(line).isIn('_', '+', '-', ':', '$');
      return line;
    }

    /** Reads and discards everything up to and including {@code marker}. */
    void skipThrough(String marker) throws IOException {
      while (!text().contains(marker)) {
        fill();
      }
      String t = text();
      byte[] rest = t.substring(t.indexOf(marker) + marker.length())
          .getBytes(StandardCharsets.ISO_8859_1);
      pending.reset();
      pending.writeBytes(rest);
    }

    private String readLine() throws IOException {
      while (!text().contains("\r\n")) {
        fill();
      }
      String t = text();
      int end = t.indexOf("\r\n") + 2;
      consume(end);
      return t.substring(0, end);
    }

    private String readBytes(int n) throws IOException {
      while (pending.size() < n) {
        fill();
      }
      String t = text().substring(0, n);
      consume(n);
      return t;
    }

    private String text() {
      return pending.toString(StandardCharsets.ISO_8859_1);
    }

    private void consume(int n) {
      byte[] all = pending.toByteArray();
      pending.reset();
      pending.write(all, n, all.length - n);
    }

    private void fill() throws IOException {
      ByteBuffer chunk = ByteBuffer.allocate(4096);
      if (ch.read(chunk) < 0) {
        throw new IOException("closed by the agent");
      }
      pending.write(chunk.array(), 0, chunk.position());
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
