package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CLIENT TRACKING: each scenario runs on a node and on a real redis-server with the same raw
 * commands over several connections, and the transcripts of what each connection received
 * (replies and invalidation messages, byte for byte) must be equal. Writes here always change
 * their keys: Tiercel also invalidates on a write that changed nothing (a failed SET NX, DEL of a
 * missing key), where Redis stays silent; that costs a client one refetch, never a stale value.
 */
class ClientTrackingTest {
  static RedisAndNode servers;

  @BeforeAll
  static void start() throws Exception {
    servers = RedisAndNode.start(2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (servers != null) {
      servers.close();
    }
  }

  /** A scenario over a reader connection, a writer and a redirect target. */
  private interface Scenario {
    void run(RawClient reader, RawClient writer, RawClient target, List<String> transcript)
        throws Exception;
  }

  private static void assertSameAsRedis(Scenario scenario) throws Exception {
    assertThat(transcript(servers.tiercel.port(), scenario))
        .containsExactlyElementsOf(transcript(servers.redis.port(), scenario));
  }

  private static List<String> transcript(int port, Scenario scenario) throws Exception {
    List<String> transcript = new ArrayList<>();
    try (RawClient reader = RawClient.tcp(port); RawClient writer = RawClient.tcp(port);
        RawClient target = RawClient.tcp(port)) {
      writer.command("FLUSHALL").reply();
      scenario.run(reader, writer, target, transcript);
      writer.command("FLUSHALL").reply();
    }
    return transcript;
  }

  private static void say(RawClient c, List<String> transcript, String... command)
      throws Exception {
    transcript.add(String.join(" ", command) + " -> " + c.command(command).reply().printable());
  }

  private static void expect(RawClient c, List<String> transcript) throws Exception {
    transcript.add("message: " + c.reply().printable());
  }

  @Test
  void aResp3ReaderIsToldOnceOfEachWriteToAKeyItRead() throws Exception {
    assertSameAsRedis((reader, writer, target, t) -> {
      reader.command("HELLO", "3").reply();
      say(reader, t, "CLIENT", "TRACKING", "ON");
      say(reader, t, "CLIENT", "GETREDIR");
      say(reader, t, "GET", "k");
      say(writer, t, "SET", "k", "v1");
      expect(reader, t);
      say(writer, t, "SET", "k", "v2");
      say(reader, t, "MGET", "k", "j");
      say(writer, t, "MSET", "j", "1", "k", "3");
      expect(reader, t);
      expect(reader, t);
      say(reader, t, "STRLEN", "k");
      say(writer, t, "FLUSHALL");
      expect(reader, t);
      say(reader, t, "PING");
    });
  }

  @Test
  void aReaderWritingAKeyItReadIsToldAfterItsReplyUnlessNoloop() throws Exception {
    assertSameAsRedis((reader, writer, target, t) -> {
      reader.command("HELLO", "3").reply();
      say(reader, t, "CLIENT", "TRACKING", "ON");
      say(reader, t, "GET", "own");
      say(reader, t, "SET", "own", "1");
      expect(reader, t);
      say(reader, t, "CLIENT", "TRACKING", "ON", "NOLOOP");
      say(reader, t, "GET", "own");
      say(reader, t, "INCR", "own");
      say(reader, t, "PING");
      say(reader, t, "CLIENT", "TRACKING", "OFF");
      say(reader, t, "CLIENT", "GETREDIR");
    });
  }

  @Test
  void aResp2ReaderRedirectsItsInvalidationsToASubscribedConnection() throws Exception {
    assertSameAsRedis((reader, writer, target, t) -> {
      String id = target.command("CLIENT", "ID").reply().text();
      say(target, t, "SUBSCRIBE", "__redis__:invalidate");
      t.add("CLIENT TRACKING ON REDIRECT <id> -> "
          + reader.command("CLIENT", "TRACKING", "ON", "REDIRECT", id).reply().printable());
      say(writer, t, "MSET", "a", "1", "b", "2");
      say(reader, t, "GET", "a");
      say(reader, t, "GET", "b");
      say(writer, t, "DEL", "a", "b", "c");
      expect(target, t);
      expect(target, t);
      say(reader, t, "EXISTS", "x");
      say(writer, t, "SET", "x", "1");
      expect(target, t);
      say(writer, t, "FLUSHDB");
      expect(target, t);
      say(target, t, "PING");
    });
  }

  @Test
  void aBroadcastReaderHearsOfEveryWriteUnderItsPrefixes() throws Exception {
    assertSameAsRedis((reader, writer, target, t) -> {
      reader.command("HELLO", "3").reply();
      say(reader, t, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "s:");
      say(writer, t, "SET", "user:1", "x");
      expect(reader, t);
      say(writer, t, "SET", "other", "y");
      say(writer, t, "RENAME", "other", "s:1");
      expect(reader, t);
      say(reader, t, "PING");
    });
  }

  @Test
  void badTrackingOptionsAreRefusedAsRedisRefusesThem() throws Exception {
    assertSameAsRedis((reader, writer, target, t) -> {
      say(reader, t, "CLIENT", "TRACKING");
      say(reader, t, "CLIENT", "TRACKING", "MAYBE");
      say(reader, t, "CLIENT", "TRACKING", "ON", "PREFIX", "a");
      say(reader, t, "CLIENT", "TRACKING", "ON", "REDIRECT", "abc");
      say(reader, t, "CLIENT", "TRACKING", "ON", "REDIRECT", "999999999");
      say(reader, t, "CLIENT", "TRACKING", "ON", "FOO");
      say(reader, t, "CLIENT", "GETREDIR");
    });
  }
}
