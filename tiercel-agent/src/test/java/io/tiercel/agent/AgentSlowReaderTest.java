package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.tiercel.agent.upstream.ReplyFramer;
import io.tiercel.server.command.Session;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client of the agent that pipelines commands and never reads the replies stops being read
 * from, so the agent holds a bounded amount for it (its local replies, the node's replies to its
 * GGETs, and its requests to a node that stopped reading), stays responsive to everyone else, and
 * once the client reads, every reply arrives in order. Real node process, real sockets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentSlowReaderTest {
  private static final int VALUE_BYTES = 64 << 10;
  private static final int KEYS = 16;
  /** What the agent may hold for one client: the 1 MB write water mark, plus a reply's slack. */
  private static final long BOUND = 2L << 20;

  @TempDir Path dir;

  private NodeProcess node;
  private TiercelAgent agent;
  private RespClient admin;
  private SocketChannel stalled;
  private Selector selector;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.resume();
    }
    Closing.inOrder(selector, stalled, admin, agent, node);
  }

  private void start() throws Exception {
    node = NodeProcess.start(0);
    agent = new TiercelAgent(AgentConfig.parse(new String[] {"--unixsocket",
        dir.resolve("a.sock").toString(), "--nodes", "127.0.0.1:" + node.port()})).start();
    admin = RespClient.unix(dir.resolve("a.sock"));
  }

  @Test
  void aClientThatNeverReadsItsLocalRepliesStopsBeingReadAndLaterGetsThemAllInOrder()
      throws Exception {
    start();
    for (int k = 0; k < KEYS; k++) {
      assertThat(admin.call("SET", "k" + k, value(k))).isEqualTo("OK");
    }
    // 2,000 GETs of 64 KB ask for 128 MB of replies (all of it waited in the agent before).
    Pipeline p = pipeline("GET", 2_000);

    assertThat(p.stoppedReading).as("the agent stopped reading the client").isTrue();
    assertThat(p.maxPending).as("CLIENT LIST omem").isLessThan(BOUND);
    assertThat(admin.call("GET", "k3")).isEqualTo(value(3));
    readsEveryReplyInOrder(p, true);
  }

  @Test
  void aClientThatNeverReadsItsGgetRepliesStopsBeingReadAndLaterGetsThemAllInOrder()
      throws Exception {
    start();
    for (int k = 0; k < KEYS; k++) {
      assertThat(admin.call("GSET", "k" + k, value(k))).isEqualTo("OK");
    }
    Pipeline p = pipeline("GGET", 2_000);

    assertThat(p.stoppedReading).as("the agent stopped reading the client").isTrue();
    // The replies to the GGETs in flight when it stopped arrive all the same.
    assertThat(p.maxPending).as("CLIENT LIST omem")
        .isLessThan(BOUND + (long) AgentHandler.MAX_QUEUED_SLOTS * VALUE_BYTES);
    assertThat(admin.call("GGET", "k5")).isEqualTo(value(5));
    readsEveryReplyInOrder(p, true);
  }

  @Test
  void ggetsToANodeThatStoppedReadingStopAtTheClientsQueueBoundAndAllAnswerOnceItResumes()
      throws Exception {
    start();
    for (int k = 0; k < KEYS; k++) {
      assertThat(admin.call("GSET", "k" + k, "v" + k)).isEqualTo("OK");
    }
    node.suspend();
    Pipeline p = pipeline("GGET", 200_000);

    assertThat(p.stoppedReading).as("the agent stopped reading the client").isTrue();
    // The agent took its queue's bound and what fits in the sockets' buffers, not 200,000.
    assertThat(p.sent).isLessThan(20_000);
    assertThat(admin.call("GET", "local")).isNull();
    node.resume();
    readsEveryReplyInOrder(p, false);
  }

  /**
   * Sends the rest of the pipeline and reads its {@code p.sent} replies, checking each is the
   * value of {@code k<i % KEYS>} ({@code large}: 64 KB, else {@code v<k>}).
   */
  private void readsEveryReplyInOrder(Pipeline p, boolean large) throws Exception {
    int n = p.sent;
    SelectionKey key = stalled.keyFor(selector);
    ByteBuf in = Unpooled.buffer();
    ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
    try {
      for (int i = 0; i < n; i++) {
        int end;
        while ((end = ReplyFramer.frameEnd(in, in.readerIndex())) < 0) {
          key.interestOps(SelectionKey.OP_READ
              | (p.rest.hasRemaining() ? SelectionKey.OP_WRITE : 0));
          assertThat(selector.select(10_000)).as("progress towards reply %d of %d", i, n)
              .isPositive();
          selector.selectedKeys().clear();
          if (p.rest.hasRemaining()) {
            stalled.write(p.rest);
          }
          chunk.clear();
          assertThat(stalled.read(chunk)).as("reply %d of %d", i, n).isNotNegative();
          in.writeBytes(chunk.flip());
        }
        byte[] raw = new byte[end - in.readerIndex()];
        in.readBytes(raw);
        in.discardSomeReadBytes();
        int k = i % KEYS;
        String expected = large ? value(k) : "v" + k;
        Object reply = ReplyFramer.parse(raw);
        assertThat(reply).as("reply %d", i).isInstanceOf(byte[].class);
        assertThat(new String((byte[]) reply, StandardCharsets.US_ASCII)).as("reply %d", i)
            .isEqualTo(expected);
      }
      assertThat(in.isReadable()).as("nothing after the last reply").isFalse();
    } finally {
      in.release();
    }
  }

  /** What a pipelining client managed to send, and what the agent held for it meanwhile. */
  private static final class Pipeline {
    int sent;
    boolean stoppedReading;
    long maxPending;
    /** Commands counted in {@code sent} but not yet written. */
    ByteBuffer rest = ByteBuffer.allocate(0);
  }

  /**
   * Opens the non-reading client and sends up to {@code n} {@code command k<i % KEYS>} without
   * reading, until all are sent or the agent stops reading it; returns once it has.
   */
  private Pipeline pipeline(String command, int n) throws Exception {
    stalled = SocketChannel.open(StandardProtocolFamily.UNIX);
    stalled.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
    stalled.connect(UnixDomainSocketAddress.of(dir.resolve("a.sock")));
    ByteBuffer idReply = ByteBuffer.allocate(64);
    stalled.write(ByteBuffer.wrap(encode("CLIENT", "ID")));
    while (idReply.position() < 3 || idReply.get(idReply.position() - 1) != '\n') {
      stalled.read(idReply);
    }
    long id = Long.parseLong(new String(idReply.array(), 1, idReply.position() - 3,
        StandardCharsets.US_ASCII));
    Channel server = agent.node().sessions().stream().filter(s -> s.id() == id)
        .map(Session::channel).findFirst().orElseThrow();
    stalled.configureBlocking(false);
    selector = Selector.open();
    SelectionKey key = stalled.register(selector, SelectionKey.OP_WRITE);
    Pipeline p = new Pipeline();
    // Bounded: each pass sends bytes or waits (at most 10 ms) for room, re-checking the agent.
    for (int pass = 0; pass < 1_000_000 && (p.sent < n || p.rest.hasRemaining()); pass++) {
      if (!p.rest.hasRemaining()) {
        int batch = Math.min(100, n - p.sent);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < batch; i++) {
          sb.append(new String(encode(command, "k" + ((p.sent + i) % KEYS)),
              StandardCharsets.US_ASCII));
        }
        p.sent += batch;
        p.rest = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.US_ASCII));
      }
      if (stalled.write(p.rest) > 0) {
        continue;
      }
      // The socket is full: the agent reads on, or has stopped reading this client.
      p.maxPending = Math.max(p.maxPending, omem(id));
      if (!server.config().isAutoRead()) {
        break;
      }
      selector.select(10);
      selector.selectedKeys().clear();
    }
    key.interestOps(0);
    // Everything may fit in the sockets' buffers: the agent stops reading once its side is full.
    Poll.until("the agent stops reading the client", 20, () -> !server.config().isAutoRead());
    p.stoppedReading = !server.config().isAutoRead();
    for (int i = 0; i < 100; i++) {
      p.maxPending = Math.max(p.maxPending, omem(id));
    }
    return p;
  }

  private long omem(long id) throws IOException {
    Object list = admin.call("CLIENT", "LIST", "ID", Long.toString(id));
    Matcher m = Pattern.compile("omem=(\\d+)").matcher(String.valueOf(list));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String value(int k) {
    char[] v = new char[VALUE_BYTES];
    Arrays.fill(v, (char) ('a' + k));
    return new String(v);
  }

  private static byte[] encode(String... args) {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

}
