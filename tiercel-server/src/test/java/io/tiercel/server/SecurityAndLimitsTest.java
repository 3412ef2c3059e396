package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/** requirepass, AUTH and HELLO AUTH, and the configurable limits on clients and frames. */
class SecurityAndLimitsTest {
  @TempDir Path dir;

  @Test
  void withRequirepassEveryCommandButAuthAndHelloIsRefusedUntilAuthenticated() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("requirepass", "s3cret"));
        RawClient c = RawClient.tcp(f.port())) {
      c.command("GET", "k");
      assertThat(c.readLine()).isEqualTo("-NOAUTH Authentication required.\r\n");
      c.command("AUTH", "wrong");
      assertThat(c.readLine())
          .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
      c.command("HELLO", "3");
      assertThat(c.readLine()).startsWith("-NOAUTH HELLO must be called with the client already");
      c.command("AUTH", "default", "s3cret");
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      c.command("SET", "k", "v");
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      c.command("RESET");
      assertThat(c.readLine()).isEqualTo("+RESET\r\n");
      c.command("GET", "k");
      assertThat(c.readLine()).isEqualTo("-NOAUTH Authentication required.\r\n");
    }
  }

  @Test
  void jedisAuthenticatesWithHelloAuthInResp3AndAuthInResp2() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("requirepass", "s3cret"))) {
      for (RedisProtocol protocol : RedisProtocol.values()) {
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", f.port()),
            DefaultJedisClientConfig.builder().protocol(protocol).password("s3cret").build())) {
          assertThat(jedis.set("k", "v")).isEqualTo("OK");
        }
        // No protocol: no HELLO, which Redis too refuses before authentication.
        try (Jedis anonymous = new Jedis(new HostAndPort("127.0.0.1", f.port()),
            DefaultJedisClientConfig.builder().build())) {
          assertThatThrownBy(() -> anonymous.get("k"))
              .hasMessage("NOAUTH Authentication required.");
        }
      }
    }
  }

  @Test
  void unauthenticatedClientsCannotSendLargeFrames() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("requirepass", "s3cret"));
        RawClient c = RawClient.tcp(f.port())) {
      c.send("*1\r\n$100000\r\n");
      assertThat(c.readLine()).isEqualTo("-ERR Protocol error: unauthenticated bulk length\r\n");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void authWithoutAConfiguredPasswordFailsLikeRedis() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir); RawClient c = RawClient.tcp(f.port())) {
      c.command("AUTH", "x");
      assertThat(c.readLine()).startsWith(
          "-ERR AUTH <password> called without any password configured for the default user.");
    }
  }

  @Test
  void bulkAndMultibulkLimitsAreConfigurable() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir,
        c -> c.set("proto-max-bulk-len", "1kb").set("max-multibulk-len", "4"))) {
      try (RawClient c = RawClient.tcp(f.port())) {
        c.send("*2\r\n$4\r\nECHO\r\n$2000\r\n");
        assertThat(c.readLine()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
        assertThat(c.closedByServer()).isTrue();
      }
      try (RawClient c = RawClient.tcp(f.port())) {
        c.send("*5\r\n");
        assertThat(c.readLine()).isEqualTo("-ERR Protocol error: invalid multibulk length\r\n");
        assertThat(c.closedByServer()).isTrue();
      }
      try (RawClient c = RawClient.tcp(f.port())) {
        c.command("ECHO", "x".repeat(1024));
        assertThat(c.readLine()).isEqualTo("$1024\r\n");
      }
    }
  }

  @Test
  void queryBufferLimitStopsAClientThatNeverFinishesACommand() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir,
        c -> c.set("client-query-buffer-limit", "64kb"))) {
      try (RawClient c = RawClient.tcp(f.port())) {
        c.send("*2\r\n$4\r\nECHO\r\n$200000\r\n");
        byte[] chunk = new byte[16 * 1024];
        // The server closes after 64 KB; writes past that may fail, which is the point.
        try {
          for (int i = 0; i < 8; i++) {
            c.send(chunk);
          }
        } catch (java.io.IOException closed) {
          // expected once the server has closed
        }
        assertThat(c.readLine()).isEqualTo(
            "-ERR Protocol error: query buffer length exceeds the client limit\r\n");
      }
      try (RawClient c = RawClient.tcp(f.port())) {
        c.command("PING");
        assertThat(c.readLine()).isEqualTo("+PONG\r\n");
      }
    }
  }

  @Test
  void maxclientsRejectsTheExtraConnectionOnly() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("maxclients", "2"));
        RawClient a = RawClient.tcp(f.port());
        RawClient b = RawClient.tcp(f.port())) {
      a.command("PING");
      assertThat(a.readLine()).isEqualTo("+PONG\r\n");
      b.command("PING");
      assertThat(b.readLine()).isEqualTo("+PONG\r\n");
      try (RawClient extra = RawClient.tcp(f.port())) {
        assertThat(extra.readLine()).isEqualTo("-ERR max number of clients reached\r\n");
        assertThat(extra.closedByServer()).isTrue();
      }
      a.command("PING");
      assertThat(a.readLine()).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void newConnectionsSpreadOverWorkersByFewestConnections() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        RawClient a = RawClient.tcp(f.port());
        RawClient b = RawClient.tcp(f.port());
        RawClient c = RawClient.tcp(f.port());
        RawClient d = RawClient.tcp(f.port())) {
      for (RawClient client : new RawClient[] {a, b, c, d}) {
        client.command("PING");
        assertThat(client.readLine()).isEqualTo("+PONG\r\n");
      }
      assertThat(f.server.connectionsPerWorker()).containsExactly(2, 2);
    }
  }

  @Test
  void unixSocketServesTheSameCommands() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir); RawClient c = RawClient.unix(f.socket())) {
      c.command("SET", "k", "v");
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      c.send("GET k\r\n");
      assertThat(c.readLike("$1\r\nv\r\n")).isEqualTo("$1\r\nv\r\n");
      c.send("*1\r\n$x\r\n");
      assertThat(c.readLine()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
      assertThat(c.closedByServer()).isTrue();
    }
  }
}
