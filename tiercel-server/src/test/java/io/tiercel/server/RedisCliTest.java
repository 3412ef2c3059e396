package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** redis-cli (Debian's redis-tools) against a node; skipped only when the binary is missing. */
class RedisCliTest {
  static ServerFixture fixture;
  static String redisCli;

  @BeforeAll
  static void start() throws Exception {
    redisCli = Executables.onPath("redis-cli");
    assumeTrue(redisCli != null, "redis-cli is not installed");
    fixture = ServerFixture.startInTempDir("tiercel-cli");
  }

  @AfterAll
  static void stop() throws Exception {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static String cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(redisCli));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8).strip();
  }

  private static String tcp(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-p", Integer.toString(fixture.port())));
    all.addAll(List.of(args));
    return cli(all.toArray(String[]::new));
  }

  @Test
  void redisCliRunsCommandsOverTcpAndTheUnixSocket() throws Exception {
    assertThat(tcp("PING")).isEqualTo("PONG");
    assertThat(tcp("SET", "cli", "hello")).isEqualTo("OK");
    assertThat(cli("-s", fixture.socket().toString(), "GET", "cli")).isEqualTo("hello");
    assertThat(tcp("INCRBY", "counter", "5")).isEqualTo("5");
    assertThat(tcp("-3", "HELLO", "3")).contains("proto", "3");
    assertThat(tcp("INFO", "server")).contains("redis_version:");
    assertThat(tcp("SET", "cli:ttl", "x", "EX", "100")).isEqualTo("OK");
    assertThat(tcp("INFO", "keyspace")).containsPattern("(?m)^db0:keys=\\d+,expires=1,avg_ttl=0\\r?$");
    assertThat(tcp("HSET", "h", "f", "v"))
        .isEqualTo("ERR unknown command 'HSET', with args beginning with: 'h' 'f' 'v'");
  }

  @Test
  void redisCliFollowsTheClusterInClusterMode() throws Exception {
    assertThat(tcp("-c", "SET", "cli:{a}", "x")).isEqualTo("OK");
    assertThat(tcp("-c", "GET", "cli:{a}")).isEqualTo("x");
    assertThat(tcp("CLUSTER", "INFO")).contains("cluster_state:ok",
        "cluster_slots_assigned:16384", "cluster_known_nodes:1");
  }
}
