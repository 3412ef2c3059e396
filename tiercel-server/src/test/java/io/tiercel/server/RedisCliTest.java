package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    return tcp(fixture, args);
  }

  private static String tcp(ServerFixture node, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("-p", Integer.toString(node.port())));
    all.addAll(List.of(args));
    return cli(all.toArray(String[]::new));
  }

  /** Returns group 1 of the first match of {@code regex} in {@code text} as a long. */
  private static long number(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertThat(m.find()).as(regex + " in:\n" + text).isTrue();
    return Long.parseLong(m.group(1));
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

  /**
   * redis-cli's --memkeys (SCAN, TYPE, MEMORY USAGE) and --hotkeys (SCAN, OBJECT FREQ) on a
   * tinylfu cache filled past half its budget: below that the store records no reads, so no key
   * would stand out. The biggest key by memory is the one with the largest value, the sizes add
   * up to the cache's accounted bytes, and the hot key is the one read most, with the sketch's
   * count; on an lru cache --hotkeys stops at Redis's error for a policy that is not LFU.
   */
  @Test
  void memkeysFindsTheLargestEntryAndHotkeysTheKeyReadMost() throws Exception {
    int fillers = 1_100;
    try (ServerFixture node = ServerFixture.startInTempDir("tiercel-cli-keys",
        c -> c.set("maxmemory", "2mb").set("policy", "tinylfu"))) {
      try (RawClient c = RawClient.tcp(node.port())) {
        String filler = "x".repeat(1_000);
        for (int i = 0; i < fillers; i++) {
          assertThat(c.command("SET", "fill:" + i, filler).reply().raw()).isEqualTo("+OK\r\n");
        }
        assertThat(c.command("SET", "big", "y".repeat(100_000)).reply().raw())
            .isEqualTo("+OK\r\n");
        assertThat(c.command("SET", "hot", "h").reply().raw()).isEqualTo("+OK\r\n");
        String memory = c.command("INFO", "memory").reply().text();
        assertThat(number(memory, "^used_memory:(\\d+)\r?$"))
            .as("past half the budget, so reads are recorded").isGreaterThan(1L << 20);
        for (int i = 0; i < 200; i++) {
          assertThat(c.command("GET", "hot").reply().text()).isEqualTo("h");
        }
      }

      String memkeys = tcp(node, "--memkeys");
      assertThat(memkeys).doesNotContain("failed", "Error");
      long bigUsage = Long.parseLong(tcp(node, "MEMORY", "USAGE", "big"));
      assertThat(bigUsage).isGreaterThan(100_000);
      assertThat(number(memkeys, "^Biggest string found '\"big\"' has (\\d+) bytes$"))
          .isEqualTo(bigUsage);
      assertThat(number(memkeys, "^(\\d+) strings with \\d+ bytes")).isEqualTo(fillers + 2);
      long used = number(tcp(node, "INFO", "memory"), "^used_memory:(\\d+)\r?$");
      assertThat(number(memkeys, "^\\d+ strings with (\\d+) bytes")).isEqualTo(used);
      assertThat(tcp(node, "--memkeys-samples", "10"))
          .contains("Biggest string found '\"big\"' has " + bigUsage + " bytes");

      String hotkeys = tcp(node, "--hotkeys");
      assertThat(hotkeys).doesNotContain("Error", "failed");
      String summary = hotkeys.substring(hotkeys.indexOf("-------- summary -------"));
      Matcher found = Pattern.compile("^hot key found with counter: (\\d+)\tkeyname: (.*)$",
          Pattern.MULTILINE).matcher(summary);
      assertThat(found.find()).as(hotkeys).isTrue();
      assertThat(found.group(2)).isEqualTo("\"hot\"");
      long hot = Long.parseLong(found.group(1));
      assertThat(hot).isEqualTo(Long.parseLong(tcp(node, "OBJECT", "FREQ", "hot")))
          .isBetween(10L, 15L);
      while (found.find()) {
        assertThat(Long.parseLong(found.group(1))).as(found.group(2)).isLessThan(hot);
      }
      assertThat(number(tcp(node, "INFO", "stats"), "^evicted_keys:(\\d+)\r?$")).isZero();

      assertThat(tcp(node, "CONFIG", "SET", "maxmemory-policy", "lru")).isEqualTo("OK");
      assertThat(tcp(node, "CONFIG", "GET", "maxmemory-policy")).contains("lru");
      assertThat(tcp(node, "--hotkeys")).contains("Error: ERR An LFU maxmemory policy is not"
          + " selected, access frequency not tracked.");
    }
  }
}
