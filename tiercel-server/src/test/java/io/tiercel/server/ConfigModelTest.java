package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.server.config.ConfigException;
import io.tiercel.server.config.ConfigKey;
import io.tiercel.server.config.ConfigKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one configuration model: its table, the shipped example file, and the same validation for
 * flags, files and CONFIG SET.
 */
class ConfigModelTest {
  private static final Path EXAMPLE = Path.of("..", "conf", "tiercel.conf");
  private static final Pattern EXAMPLE_LINE = Pattern.compile("# ([a-z-]+) (.*)");

  @TempDir Path dir;

  @Test
  void everyKeysDefaultReadsBackAsItself() {
    for (ConfigKey<?> k : ConfigKeys.ALL) {
      assertThat(k.parse(k.defaultText())).as(k.name()).isEqualTo(k.defaultValue());
      assertThat(k.doc()).as(k.name()).isNotBlank();
      assertThat(ServerConfig.USAGE).contains("--" + k.name() + " ");
    }
  }

  @Test
  void theShippedExampleDocumentsEveryKeyWithItsDefault() throws Exception {
    Map<String, String> documented = new HashMap<>();
    for (String line : Files.readAllLines(EXAMPLE, StandardCharsets.UTF_8)) {
      Matcher m = EXAMPLE_LINE.matcher(line);
      if (m.matches() && ConfigKeys.find(m.group(1)) != null) {
        documented.put(m.group(1), m.group(2));
      }
    }
    ServerConfig uncommented = new ServerConfig();
    for (ConfigKey<?> k : ConfigKeys.ALL) {
      assertThat(documented).as("conf/tiercel.conf documents " + k.name()).containsKey(k.name());
      String value = documented.get(k.name());
      uncommented.set(k.name(), value.equals("\"\"") ? "" : value);
      if (k != ConfigKeys.IO_THREADS) {
        assertThat(uncommented.get(k)).as(k.name() + " example is its default")
            .isEqualTo(k.defaultValue());
      }
    }
    // The file as shipped loads, and changes nothing.
    ServerConfig shipped = ServerConfig.parse("--config", EXAMPLE.toString());
    assertThat(shipped.port()).isEqualTo(7379);
    assertThat(shipped.httpPort()).isEqualTo(7380);
  }

  @Test
  void unknownKeysAndBadValuesNameTheKeyAndWhatWasExpected() throws Exception {
    assertThatThrownBy(() -> ServerConfig.parse("--maxmemory", "lots"))
        .hasMessage("maxmemory: 'lots' (expected: a size such as 1048576, 512mb or 2gb; "
            + "units k m g (powers of 1000), kb mb gb (of 1024))");
    assertThatThrownBy(() -> ServerConfig.parse("--maxmemory", "0"))
        .hasMessage("maxmemory: '0' (expected: a size above 0)");
    assertThatThrownBy(() -> ServerConfig.parse("--policy", "fifo"))
        .hasMessage("policy: 'fifo' (expected: lru, arc, tinylfu)");
    assertThatThrownBy(() -> ServerConfig.parse("--appendonly", "maybe"))
        .hasMessage("appendonly: 'maybe' (expected: yes, no)");
    assertThatThrownBy(() -> ServerConfig.parse("--http-port", "-2"))
        .hasMessage("http-port: '-2' (expected: an integer in -1..65535)");
    assertThatThrownBy(() -> ServerConfig.parse("--unixsocketperm", "999"))
        .hasMessage("unixsocketperm: '999' (expected: octal permission bits such as 700)");
    assertThatThrownBy(() -> ServerConfig.parse("--loglevel", "loud"))
        .hasMessageStartingWith("loglevel: 'loud' (expected: trace, debug, verbose, info");
    assertThatThrownBy(() -> ServerConfig.parse("--snapshot-interval", "often"))
        .hasMessageStartingWith("snapshot-interval: 'often' (expected: a duration");
    assertThatThrownBy(() -> ServerConfig.parse("--nosuch", "1"))
        .isInstanceOf(ConfigException.class).hasMessage("unknown flag --nosuch");
    Path file = dir.resolve("t.conf");
    Files.writeString(file, "# ok\nport 7000\ncolour blue\n");
    assertThatThrownBy(() -> ServerConfig.parse("--config", file.toString()))
        .hasMessage(file + ":3: unknown key 'colour'");
    Files.writeString(file, "http-max-header-size 10\n");
    assertThatThrownBy(() -> ServerConfig.parse("--config", file.toString()))
        .hasMessage(file + ":1: http-max-header-size: '10' (expected: a size in 256..1mb)");
  }

  @Test
  void namesAcceptAliasesUnderscoresAndAnyCase() {
    ServerConfig c = ServerConfig.parse("--maxmemory-policy", "arc", "--HTTP_PORT", "9000");
    assertThat(c.policy()).isEqualTo(EvictionPolicyKind.ARC);
    assertThat(c.httpPort()).isEqualTo(9000);
  }

  @Test
  void httpPortFollowsAFreeRespPortUnlessSet() {
    assertThat(ServerConfig.parse("--port", "0").httpPort()).isZero();
    assertThat(ServerConfig.parse("--port", "0", "--http-port", "7390").httpPort())
        .isEqualTo(7390);
    assertThat(ServerConfig.parse("--port", "7000").httpPort()).isEqualTo(7380);
  }

  @Test
  void configSetValidatesLikeFlagsWithRedisErrorTexts() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        RawClient c = RawClient.tcp(f.port())) {
      c.command("CONFIG", "SET", "maxclients", "zero");
      assertThat(c.readLine()).isEqualTo("-ERR CONFIG SET failed (possibly related to argument "
          + "'maxclients') - maxclients: 'zero' (expected: an integer in 1..1000000)\r\n");
      c.command("CONFIG", "SET", "port", "7000");
      assertThat(c.readLine()).isEqualTo("-ERR CONFIG SET failed (possibly related to argument "
          + "'port') - can't set immutable config\r\n");
      c.command("CONFIG", "SET", "colour", "blue");
      assertThat(c.readLine())
          .isEqualTo("-ERR Unknown option or number of arguments for CONFIG SET - 'colour'\r\n");
      // All or nothing: a bad second pair leaves the first unapplied.
      c.command("CONFIG", "SET", "maxclients", "5", "timeout", "soon");
      assertThat(c.readLine()).startsWith("-ERR CONFIG SET failed (possibly related to argument "
          + "'timeout') - timeout: 'soon'");
      c.command("CONFIG", "GET", "maxclients");
      assertThat(c.readLike("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n"))
          .isEqualTo("*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n");
    }
  }

  @Test
  void configSetAppliesRuntimeKeysAndConfigGetShowsEffectiveValues() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        RawClient c = RawClient.tcp(f.port())) {
      c.command("CONFIG", "SET", "maxmemory", "64mb", "maxmemory-policy", "lru", "loglevel",
          "warning");
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      assertThat(f.server.caches().defaultCache().config().maxMemory()).isEqualTo(64L << 20);
      assertThat(f.server.caches().defaultCache().config().policy())
          .isEqualTo(EvictionPolicyKind.LRU);
      assertThat(f.server.node().config().logLevel()).isEqualTo("warning");
      String port = Integer.toString(f.port());
      c.command("CONFIG", "GET", "port");
      String expected = "*2\r\n$4\r\nport\r\n$" + port.length() + "\r\n" + port + "\r\n";
      assertThat(c.readLike(expected)).isEqualTo(expected);
      String http = Integer.toString(f.server.httpPort());
      c.command("CONFIG", "GET", "http-port");
      expected = "*2\r\n$9\r\nhttp-port\r\n$" + http.length() + "\r\n" + http + "\r\n";
      assertThat(c.readLike(expected)).isEqualTo(expected);
      c.command("CONFIG", "SET", "loglevel", "info");
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
    }
  }

  @Test
  void configSetReadsSizesAsRedisDoesWithoutARedisToCompareWith() throws Exception {
    // RedisCompatibilityTest checks the same against redis-server; this runs where none is.
    try (ServerFixture f = ServerFixture.start(dir);
        RawClient c = RawClient.tcp(f.port())) {
      for (String[] sizeAndBytes : new String[][] {{"1k", "1000"}, {"1K", "1000"},
          {"1kb", "1024"}, {"3m", "3000000"}, {"3MB", "3145728"}, {"2g", "2000000000"},
          {"2Gb", "2147483648"}}) {
        c.command("CONFIG", "SET", "maxmemory", sizeAndBytes[0]);
        assertThat(c.readLine()).isEqualTo("+OK\r\n");
        assertThat(c.command("CONFIG", "GET", "maxmemory").reply().children().get(1).text())
            .as(sizeAndBytes[0]).isEqualTo(sizeAndBytes[1]);
      }
      assertThat(f.server.caches().defaultCache().config().maxMemory()).isEqualTo(2L << 30);
      for (String refused : new String[] {"1tb", "1.5mb", "-1", "1 mb"}) {
        c.command("CONFIG", "SET", "maxmemory", refused);
        assertThat(c.readLine()).as(refused).startsWith("-ERR CONFIG SET failed (possibly "
            + "related to argument 'maxmemory') - maxmemory: '" + refused + "' (expected: ");
      }
      assertThat(f.server.caches().defaultCache().config().maxMemory()).isEqualTo(2L << 30);
    }
  }

  @Test
  void configGetStarListsEveryKeyAndAlias() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        RawClient c = RawClient.tcp(f.port())) {
      c.command("CONFIG", "GET", "*");
      List<String> names = ConfigKeys.allNames();
      assertThat(c.readLine()).isEqualTo("*" + names.size() * 2 + "\r\n");
      for (String name : names) {
        c.readLine();
        assertThat(c.readLine()).isEqualTo(name + "\r\n");
        c.readLine();
        c.readLine();
      }
    }
  }

  @Test
  void ioThreadsDefaultToOneLoopOnUpToTwoCoresAndOneLoopPerCoreAbove() {
    assertThat(ConfigKeys.defaultIoThreads(1)).isEqualTo(1);
    assertThat(ConfigKeys.defaultIoThreads(2)).isEqualTo(1);
    assertThat(ConfigKeys.defaultIoThreads(4)).isEqualTo(4);
    assertThat(ConfigKeys.defaultIoThreads(16)).isEqualTo(16);
  }
}
