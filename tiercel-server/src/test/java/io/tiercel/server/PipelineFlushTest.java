package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.tiercel.server.command.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pipeline of hundreds of commands sent in one socket write to a real node, over TCP and the
 * UNIX socket: every command is answered, in order, with a handful of writes and flushes (one of
 * each when the node reads them in one turn), not one per command. Counted by a handler put in
 * front of the connection's pipeline on the node, which sees every write and flush the node makes.
 */
class PipelineFlushTest {
  private static final int COMMANDS = 500;
  /** One read turn gives one write and one flush; a few more if the kernel splits the bytes. */
  private static final int FEW = 4;

  private ServerFixture fixture;

  /** Counts the writes and flushes that leave the connection's handlers for the socket. */
  private static final class WriteCounter extends ChannelOutboundHandlerAdapter {
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger flushes = new AtomicInteger();
    final AtomicInteger bytes = new AtomicInteger();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      writes.incrementAndGet();
      if (msg instanceof ByteBuf b) {
        bytes.addAndGet(b.readableBytes());
      }
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes.incrementAndGet();
      ctx.flush();
    }
  }

  @BeforeEach
  void start() throws Exception {
    fixture = ServerFixture.startInTempDir("tiercel-pipeline");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tcp", "unix"})
  void hundredsOfCommandsInOneWriteAreAnsweredInOrderWithFewWrites(String transport)
      throws Exception {
    try (RawClient client = transport.equals("tcp")
        ? RawClient.tcp(fixture.port()) : RawClient.unix(fixture.socket())) {
      assertThat(client.command("PING").reply().text()).isEqualTo("PONG");
      WriteCounter counter = countWritesOfTheOnlyConnection();

      StringBuilder pipeline = new StringBuilder();
      StringBuilder expected = new StringBuilder();
      for (int i = 1; i <= COMMANDS; i++) {
        if (i % 2 == 1) {
          pipeline.append("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n");
          expected.append(':').append(i / 2 + 1).append("\r\n");
        } else {
          pipeline.append("*2\r\n$3\r\nGET\r\n$1\r\nn\r\n");
          String n = Integer.toString(i / 2);
          expected.append('$').append(n.length()).append("\r\n").append(n).append("\r\n");
        }
      }
      client.send(pipeline.toString());

      List<String> replies = new ArrayList<>();
      for (int i = 0; i < COMMANDS; i++) {
        replies.add(client.reply().raw());
      }
      assertThat(String.join("", replies)).as("every reply, in order")
          .isEqualTo(expected.toString());
      assertThat(counter.bytes.get()).as("reply bytes written")
          .isEqualTo(expected.toString().getBytes(StandardCharsets.US_ASCII).length);
      assertThat(counter.writes.get()).as("writes for %d commands", COMMANDS).isBetween(1, FEW);
      assertThat(counter.flushes.get()).as("flushes for %d commands", COMMANDS)
          .isBetween(1, FEW);
    }
  }

  /** Puts a {@link WriteCounter} in front of the node's only client connection, on its loop. */
  private WriteCounter countWritesOfTheOnlyConnection() throws Exception {
    List<Session> sessions = new ArrayList<>(fixture.server.node().sessions());
    assertThat(sessions).hasSize(1);
    Channel channel = sessions.get(0).channel();
    WriteCounter counter = new WriteCounter();
    channel.eventLoop().submit(() -> channel.pipeline().addFirst("count-writes", counter)).sync();
    return counter;
  }
}
