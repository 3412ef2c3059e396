package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replies checked byte for byte over a raw TCP socket: texts, pipelining, protocol errors. */
class RespWireTest {
  @TempDir Path dir;
  ServerFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = ServerFixture.start(dir);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void pingAndInlineCommandsAnswerLikeRedis() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.send("PING\r\n");
      assertThat(c.readLine()).isEqualTo("+PONG\r\n");
      c.send("ping hello\n");
      assertThat(c.readLine()).isEqualTo("$5\r\n");
      assertThat(c.readLine()).isEqualTo("hello\r\n");
      c.send("set \"a key\" \"x\\ty\"\r\nget \"a key\"\r\n");
      assertThat(c.readLike("+OK\r\n$3\r\nx\ty\r\n")).isEqualTo("+OK\r\n$3\r\nx\ty\r\n");
    }
  }

  @Test
  void hundredsOfPipelinedCommandsInOneWriteAreAnsweredInOrder() throws Exception {
    StringBuilder batch = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      batch.append("*3\r\n$3\r\nSET\r\n$").append(("k" + i).length()).append("\r\nk").append(i)
          .append("\r\n$").append(Integer.toString(i).length()).append("\r\n").append(i)
          .append("\r\n");
      batch.append("*2\r\n$3\r\nGET\r\n$").append(("k" + i).length()).append("\r\nk").append(i)
          .append("\r\n");
      batch.append("INCR k").append(i).append("\r\n");
      expected.append("+OK\r\n$").append(Integer.toString(i).length()).append("\r\n").append(i)
          .append("\r\n:").append(i + 1).append("\r\n");
    }
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.send(batch.toString());
      assertThat(c.readLike(expected.toString())).isEqualTo(expected.toString());
    }
  }

  @Test
  void aReplyLargerThanTheEarlyWriteSizeArrivesWithoutAnotherCommand() throws Exception {
    String big = "x".repeat(200_000);
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.command("SET", "big", big);
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      c.command("GET", "big");
      String expected = "$200000\r\n" + big + "\r\n";
      assertThat(c.readLike(expected)).isEqualTo(expected);
      c.send("SET a 1\r\nGET big\r\n");
      assertThat(c.readLike("+OK\r\n" + expected)).isEqualTo("+OK\r\n" + expected);
    }
  }

  @Test
  void batchesOfVaryingSizeOnOneConnectionAreAnsweredWhole() throws Exception {
    String value = "v".repeat(100);
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.command("SET", "big", "x".repeat(200_000));
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      for (int round = 0; round < 6; round++) {
        int gets = round % 3 == 0 ? 1 : 16;
        StringBuilder batch = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < gets; i++) {
          batch.append("SET k").append(i).append(' ').append(value).append(i).append("\r\n");
          batch.append("GET k").append(i).append("\r\n");
          expected.append("+OK\r\n$").append(value.length() + Integer.toString(i).length())
              .append("\r\n").append(value).append(i).append("\r\n");
        }
        if (round == 4) {
          batch.append("GET big\r\n");
          expected.append("$200000\r\n").append("x".repeat(200_000)).append("\r\n");
        }
        c.send(batch.toString());
        assertThat(c.readLike(expected.toString())).isEqualTo(expected.toString());
      }
    }
  }

  @Test
  void everyConnectionGetsItsOwnRepliesWhenManyAreAnsweredInOneLoopTurn() throws Exception {
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        clients.add(RawClient.tcp(fixture.port()));
      }
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < clients.size(); i++) {
          StringBuilder batch = new StringBuilder();
          for (int j = 0; j < 16; j++) {
            batch.append("SET c").append(i).append(':').append(j).append(" r").append(round)
                .append("\r\n");
          }
          clients.get(i).send(batch + "GET c" + i + ":15\r\n");
        }
        String value = "r" + round;
        String expected = "+OK\r\n".repeat(16) + "$" + value.length() + "\r\n" + value + "\r\n";
        for (RawClient c : clients) {
          assertThat(c.readLike(expected)).isEqualTo(expected);
        }
      }
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void unknownCommandsAndWrongArityUseRedisTexts() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.command("HSET", "h", "f", "v");
      assertThat(c.readLine()).isEqualTo(
          "-ERR unknown command 'HSET', with args beginning with: 'h' 'f' 'v' \r\n");
      c.command("LPUSH");
      assertThat(c.readLine()).isEqualTo(
          "-ERR unknown command 'LPUSH', with args beginning with: \r\n");
      c.command("GET");
      assertThat(c.readLine()).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
      c.command("CONFIG", "GET");
      assertThat(c.readLine())
          .isEqualTo("-ERR wrong number of arguments for 'config|get' command\r\n");
      c.command("CLIENT", "NOPE");
      assertThat(c.readLine()).isEqualTo("-ERR unknown subcommand 'NOPE'. Try CLIENT HELP.\r\n");
      c.command("PING");
      assertThat(c.readLine()).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void protocolErrorClosesOnlyTheOffendingConnection() throws Exception {
    try (RawClient good = RawClient.tcp(fixture.port());
        RawClient bad = RawClient.tcp(fixture.port())) {
      good.command("SET", "k", "v");
      assertThat(good.readLine()).isEqualTo("+OK\r\n");
      bad.send("*1\r\n$4\r\nPING\r\n*2\r\n+GET\r\n");
      assertThat(bad.readLine()).isEqualTo("+PONG\r\n");
      assertThat(bad.readLine()).isEqualTo("-ERR Protocol error: expected '$', got '+'\r\n");
      assertThat(bad.closedByServer()).isTrue();
      good.command("GET", "k");
      assertThat(good.readLike("$1\r\nv\r\n")).isEqualTo("$1\r\nv\r\n");
    }
  }

  @Test
  void everyKindOfMalformedFrameGetsAProtocolErrorAndAClose() throws Exception {
    String[][] cases = {
      {"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"SET \"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {"*1\r\n$3\r\nGETxx", "-ERR Protocol error: expected CRLF after bulk data\r\n"},
    };
    for (String[] c : cases) {
      try (RawClient client = RawClient.tcp(fixture.port())) {
        client.send(c[0]);
        assertThat(client.readLine()).as(c[0]).isEqualTo(c[1]);
        assertThat(client.closedByServer()).isTrue();
      }
    }
  }

  @Test
  void anOversizedInlineLineIsRejectedWithoutBufferingItAll() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.send("GET " + "x".repeat(70_000));
      assertThat(c.readLine()).isEqualTo("-ERR Protocol error: too big inline request\r\n");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void quitRepliesOkThenCloses() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.send("QUIT\r\nPING\r\n");
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void resp3RepliesUseResp3Types() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.command("HELLO", "3");
      assertThat(c.readLine()).isEqualTo("%7\r\n");
      for (int i = 0; i < 24; i++) {
        c.readLine();
      }
      assertThat(c.readLine()).isEqualTo("*0\r\n");
      c.command("GET", "missing");
      assertThat(c.readLine()).isEqualTo("_\r\n");
      c.command("CONFIG", "GET", "maxclients");
      assertThat(c.readLike("%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"))
          .isEqualTo("%1\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
      c.command("HELLO", "4");
      assertThat(c.readLine()).isEqualTo("-NOPROTO unsupported protocol version\r\n");
    }
  }

  @Test
  void randomGarbageFromManyClientsNeverBreaksTheNode() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    byte[] alphabet = "*$\r\n0123456789-\"' GETSETPING".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < 40; i++) {
      try (RawClient c = RawClient.tcp(fixture.port())) {
        byte[] junk = new byte[1 + random.nextInt(2048)];
        for (int j = 0; j < junk.length; j++) {
          junk[j] = random.nextBoolean()
              ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
        }
        c.send(junk);
      }
    }
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.command("PING");
      assertThat(c.readLine()).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void commandsAreCaseInsensitive() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.send("sEt k 1\r\nInCrBy k 41\r\nget k\r\n");
      assertThat(c.readLike("+OK\r\n:42\r\n$2\r\n42\r\n")).isEqualTo("+OK\r\n:42\r\n$2\r\n42\r\n");
    }
  }
}
