package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.CommandDocument;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.SafeEncoder;

/** Every command family through Jedis; subclasses pick RESP2 or RESP3. */
abstract class AbstractJedisTest {
  static ServerFixture fixture;
  Jedis jedis;

  abstract RedisProtocol protocol();

  @BeforeAll
  static void startServer() throws Exception {
    fixture = ServerFixture.startInTempDir("tiercel-jedis");
  }

  @AfterAll
  static void stopServer() throws Exception {
    fixture.close();
  }

  @BeforeEach
  void connect() {
    jedis = new Jedis(new HostAndPort("127.0.0.1", fixture.port()),
        DefaultJedisClientConfig.builder().protocol(protocol()).timeoutMillis(10_000).build());
    jedis.flushAll();
  }

  @AfterEach
  void disconnect() {
    jedis.close();
  }

  private Object send(String command, String... args) {
    ProtocolCommand cmd = () -> SafeEncoder.encode(command);
    return jedis.sendCommand(cmd, args);
  }

  @Test
  void setAndGetRoundTripBinaryValues() {
    byte[] value = {0, 1, (byte) 0xff, '\r', '\n'};
    assertThat(jedis.set("k".getBytes(), value)).isEqualTo("OK");
    assertThat(jedis.get("k".getBytes())).isEqualTo(value);
    assertThat(jedis.get("missing")).isNull();
    assertThat(jedis.ping()).isEqualTo("PONG");
    assertThat(jedis.echo("hi")).isEqualTo("hi");
  }

  @Test
  void getAndMgetFindKeysOfEveryLengthAroundTheScratchArray() {
    // A GET packs its key into the connection's 4 KiB scratch array (header included) and looks
    // it up there; longer keys take a copy of their own. Short (1-byte header) and long (4-byte
    // header) keys on both sides of that bound must all be found, and only they.
    int[] lengths = {1, 127, 128, 4091, 4092, 4093, 4096, 5000};
    byte[][] keys = new byte[lengths.length][];
    for (int i = 0; i < lengths.length; i++) {
      keys[i] = new byte[lengths[i]];
      Arrays.fill(keys[i], (byte) ('a' + i));
      keys[i][lengths[i] - 1] = '!';
      assertThat(jedis.set(keys[i], ("v" + i).getBytes())).isEqualTo("OK");
    }
    for (int i = 0; i < lengths.length; i++) {
      assertThat(jedis.get(keys[i])).as("GET of a %d-byte key", lengths[i])
          .isEqualTo(("v" + i).getBytes());
      byte[] sibling = keys[i].clone();
      sibling[0] = 'Z';
      assertThat(jedis.get(sibling)).as("GET of another %d-byte key", lengths[i]).isNull();
    }
    byte[] absent = new byte[4093];
    List<byte[]> values = jedis.mget(keys[0], absent, keys[4], keys[7]);
    assertThat(values).hasSize(4);
    assertThat(values.get(0)).isEqualTo("v0".getBytes());
    assertThat(values.get(1)).isNull();
    assertThat(values.get(2)).isEqualTo("v4".getBytes());
    assertThat(values.get(3)).isEqualTo("v7".getBytes());
  }

  @Test
  void setOptionsFollowRedisSemantics() {
    assertThat(jedis.set("k", "1", SetParams.setParams().xx())).isNull();
    assertThat(jedis.set("k", "1", SetParams.setParams().nx())).isEqualTo("OK");
    assertThat(jedis.set("k", "2", SetParams.setParams().nx())).isNull();
    assertThat(jedis.setGet("k", "3")).isEqualTo("1");
    assertThat(jedis.set("k", "4", SetParams.setParams().ex(100))).isEqualTo("OK");
    assertThat(jedis.ttl("k")).isEqualTo(100);
    assertThat(jedis.set("k", "5", SetParams.setParams().keepTtl())).isEqualTo("OK");
    assertThat(jedis.ttl("k")).isEqualTo(100);
    assertThat(jedis.set("k", "6")).isEqualTo("OK");
    assertThat(jedis.ttl("k")).isEqualTo(-1);
    assertThat(jedis.set("k", "7", SetParams.setParams().px(1500))).isEqualTo("OK");
    assertThat(jedis.pttl("k")).isEqualTo(1500);
    long at = fixture.clock.millis() / 1000 + 50;
    jedis.set("k", "8", SetParams.setParams().exAt(at));
    assertThat(jedis.expireTime("k")).isEqualTo(at);
    assertThatThrownBy(() -> jedis.set("k", "v", SetParams.setParams().ex(0)))
        .hasMessage("ERR invalid expire time in 'set' command");
    assertThatThrownBy(() -> send("SET", "k", "v", "NX", "XX"))
        .hasMessage("ERR syntax error");
    assertThatThrownBy(() -> send("SET", "k", "v", "EX", "x"))
        .hasMessage("ERR value is not an integer or out of range");
  }

  @Test
  void keysExpireWhenTheClockPassesTheirDeadline() {
    jedis.set("k", "v", SetParams.setParams().px(1000));
    fixture.clock.advance(Duration.ofMillis(999));
    assertThat(jedis.get("k")).isEqualTo("v");
    fixture.clock.advance(Duration.ofMillis(2));
    assertThat(jedis.get("k")).isNull();
    assertThat(jedis.ttl("k")).isEqualTo(-2);
  }

  @Test
  void stringCommandsMatchRedis() {
    assertThat(jedis.setnx("a", "1")).isEqualTo(1);
    assertThat(jedis.setnx("a", "2")).isEqualTo(0);
    assertThat(jedis.setex("b", 10, "x")).isEqualTo("OK");
    assertThat(jedis.ttl("b")).isEqualTo(10);
    assertThat(jedis.psetex("c", 2500, "y")).isEqualTo("OK");
    assertThat(jedis.pttl("c")).isEqualTo(2500);
    assertThat(jedis.getSet("a", "3")).isEqualTo("1");
    assertThat(jedis.getDel("a")).isEqualTo("3");
    assertThat(jedis.exists("a")).isFalse();
    assertThat(jedis.getEx("b", GetExParams.getExParams().persist())).isEqualTo("x");
    assertThat(jedis.ttl("b")).isEqualTo(-1);
    assertThat(jedis.getEx("b", GetExParams.getExParams().ex(30))).isEqualTo("x");
    assertThat(jedis.ttl("b")).isEqualTo(30);
    assertThat(jedis.mset("m1", "1", "m2", "2")).isEqualTo("OK");
    assertThat(jedis.mget("m1", "nope", "m2")).containsExactly("1", null, "2");
    assertThat(jedis.msetnx("m2", "x", "m3", "y")).isEqualTo(0);
    assertThat(jedis.msetnx("m3", "x", "m4", "y")).isEqualTo(1);
    assertThat(jedis.append("s", "Hello")).isEqualTo(5);
    assertThat(jedis.append("s", " World")).isEqualTo(11);
    assertThat(jedis.strlen("s")).isEqualTo(11);
    assertThat(jedis.strlen("nope")).isEqualTo(0);
    assertThat(jedis.getrange("s", 0, 4)).isEqualTo("Hello");
    assertThat(jedis.getrange("s", -5, -1)).isEqualTo("World");
    assertThat(jedis.getrange("s", 5, 1)).isEmpty();
    assertThat(jedis.getrange("nope", 0, -1)).isEmpty();
    assertThat(jedis.setrange("s", 6, "Redis")).isEqualTo(11);
    assertThat(jedis.get("s")).isEqualTo("Hello Redis");
    assertThat(jedis.setrange("pad", 3, "x")).isEqualTo(4);
    assertThat(jedis.get("pad")).isEqualTo("\0\0\0x");
    assertThatThrownBy(() -> jedis.setrange("s", -1, "x")).hasMessage("ERR offset is out of range");
    assertThatThrownBy(() -> send("MSET", "a")).hasMessage(
        "ERR wrong number of arguments for 'mset' command");
  }

  @Test
  void countersMatchRedisIncludingOverflowAndFloats() {
    assertThat(jedis.incr("n")).isEqualTo(1);
    assertThat(jedis.incrBy("n", 41)).isEqualTo(42);
    assertThat(jedis.decr("n")).isEqualTo(41);
    assertThat(jedis.decrBy("n", 50)).isEqualTo(-9);
    jedis.set("max", Long.toString(Long.MAX_VALUE));
    assertThatThrownBy(() -> jedis.incr("max"))
        .hasMessage("ERR increment or decrement would overflow");
    jedis.set("text", "abc");
    assertThatThrownBy(() -> jedis.incr("text"))
        .hasMessage("ERR value is not an integer or out of range");
    jedis.set("spaced", " 1");
    assertThatThrownBy(() -> jedis.incr("spaced"))
        .hasMessage("ERR value is not an integer or out of range");
    assertThat(jedis.incrByFloat("f", 10.5)).isEqualTo(10.5);
    assertThat(jedis.incrByFloat("f", 0.1)).isEqualTo(10.6);
    assertThat(jedis.get("f")).isEqualTo("10.6");
    jedis.set("e", "5.0e3");
    assertThat(jedis.incrByFloat("e", 200)).isEqualTo(5200);
    assertThat(jedis.get("e")).isEqualTo("5200");
    assertThatThrownBy(() -> jedis.incrByFloat("text", 1))
        .hasMessage("ERR value is not a valid float");
    assertThatThrownBy(() -> send("INCRBY", "n", "1.5"))
        .hasMessage("ERR value is not an integer or out of range");
    assertThatThrownBy(() -> send("DECRBY", "n", Long.toString(Long.MIN_VALUE)))
        .hasMessage("ERR decrement would overflow");
  }

  @Test
  void expireOptionsFollowRedisSeven() {
    jedis.set("k", "v");
    assertThat(jedis.expire("k", 100, ExpiryOption.XX)).isEqualTo(0);
    assertThat(jedis.expire("k", 100, ExpiryOption.GT)).isEqualTo(0);
    assertThat(jedis.expire("k", 100, ExpiryOption.NX)).isEqualTo(1);
    assertThat(jedis.expire("k", 200, ExpiryOption.NX)).isEqualTo(0);
    assertThat(jedis.expire("k", 50, ExpiryOption.GT)).isEqualTo(0);
    assertThat(jedis.expire("k", 50, ExpiryOption.LT)).isEqualTo(1);
    assertThat(jedis.ttl("k")).isEqualTo(50);
    assertThat(jedis.pexpire("k", 5000)).isEqualTo(1);
    assertThat(jedis.pttl("k")).isEqualTo(5000);
    long now = fixture.clock.millis();
    assertThat(jedis.pexpireAt("k", now + 7000)).isEqualTo(1);
    assertThat(jedis.pexpireTime("k")).isEqualTo(now + 7000);
    assertThat(jedis.expireAt("k", now / 1000 + 9)).isEqualTo(1);
    assertThat(jedis.persist("k")).isEqualTo(1);
    assertThat(jedis.persist("k")).isEqualTo(0);
    assertThat(jedis.ttl("k")).isEqualTo(-1);
    assertThat(jedis.expireTime("k")).isEqualTo(-1);
    assertThat(jedis.expire("missing", 10)).isEqualTo(0);
    assertThat(jedis.expire("k", -1)).isEqualTo(1);
    assertThat(jedis.exists("k")).isFalse();
    assertThatThrownBy(() -> send("EXPIRE", "k", "10", "NX", "XX")).hasMessage(
        "ERR NX and XX, GT or LT options at the same time are not compatible");
    assertThatThrownBy(() -> send("EXPIRE", "k", "10", "GT", "LT")).hasMessage(
        "ERR GT and LT options at the same time are not compatible");
    assertThatThrownBy(() -> send("EXPIRE", "k", "10", "XY")).hasMessage(
        "ERR Unsupported option XY");
    assertThatThrownBy(() -> send("EXPIRE", "k", Long.toString(Long.MAX_VALUE))).hasMessage(
        "ERR invalid expire time in 'expire' command");
  }

  @Test
  void keyspaceCommandsEnumerateRenameAndFlush() {
    for (int i = 0; i < 30; i++) {
      jedis.set("user:" + i, "v");
    }
    jedis.set("other", "v");
    assertThat(jedis.dbSize()).isEqualTo(31);
    assertThat(jedis.keys("user:1*")).hasSize(11);
    assertThat(jedis.keys("*")).hasSize(31);
    Set<String> seen = new java.util.HashSet<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    for (int i = 0; i < 1000; i++) {
      ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("user:*").count(5));
      seen.addAll(page.getResult());
      cursor = page.getCursor();
      if (cursor.equals("0")) {
        break;
      }
    }
    assertThat(cursor).isEqualTo("0");
    assertThat(seen).hasSize(30);
    assertThat(jedis.randomKey()).isNotNull();
    assertThat(jedis.type("other")).isEqualTo("string");
    assertThat(jedis.type("nope")).isEqualTo("none");
    assertThat(jedis.exists("other", "user:1", "nope")).isEqualTo(2);
    assertThat(jedis.touch("other", "nope")).isEqualTo(1);
    jedis.expire("other", 100);
    assertThat(jedis.rename("other", "renamed")).isEqualTo("OK");
    assertThat(jedis.ttl("renamed")).isEqualTo(100);
    assertThat(jedis.renamenx("renamed", "user:1")).isEqualTo(0);
    assertThatThrownBy(() -> jedis.rename("nope", "x")).hasMessage("ERR no such key");
    assertThat(jedis.del("user:1", "user:2", "nope")).isEqualTo(2);
    assertThat(jedis.unlink("user:3")).isEqualTo(1);
    assertThat(jedis.flushDB()).isEqualTo("OK");
    assertThat(jedis.dbSize()).isZero();
    assertThat(jedis.randomKey()).isNull();
    assertThatThrownBy(() -> send("SCAN", "abc")).hasMessage("ERR invalid cursor");
  }

  @Test
  void namedCachesAreSelectedByNameAndManagedWithCacheCommands() {
    assertThat(send("CACHE", "CREATE", "sessions", "policy=lru", "maxmemory=1mb"))
        .isEqualTo(SafeEncoder.encode("OK"));
    jedis.set("k", "default");
    assertThat(send("SELECT", "sessions")).isEqualTo(SafeEncoder.encode("OK"));
    assertThat(jedis.get("k")).isNull();
    jedis.set("k", "named");
    assertThat(jedis.select(0)).isEqualTo("OK");
    assertThat(jedis.get("k")).isEqualTo("default");
    assertThatThrownBy(() -> jedis.select(1)).hasMessage("ERR DB index is out of range");
    @SuppressWarnings("unchecked")
    List<byte[]> names = (List<byte[]>) send("CACHE", "LIST");
    assertThat(names).extracting(SafeEncoder::encode).containsExactly("default", "sessions");
    send("CACHE", "PURGE", "sessions");
    send("SELECT", "sessions");
    assertThat(jedis.get("k")).isNull();
    assertThat(send("CACHE", "DROP", "sessions")).isEqualTo(SafeEncoder.encode("OK"));
    assertThatThrownBy(() -> jedis.get("k"))
        .hasMessage("ERR cache 'sessions' was dropped; SELECT another cache");
    assertThat(jedis.select(0)).isEqualTo("OK");
    assertThat(jedis.get("k")).isEqualTo("default");
    assertThatThrownBy(() -> send("SELECT", "sessions"))
        .hasMessageStartingWith("ERR no such cache 'sessions'");
    assertThatThrownBy(() -> send("CACHE", "CREATE", "x", "policy=fifo"))
        .hasMessageContaining("policy");
  }

  @Test
  void infoMemoryCountsTheBytesTheJvmHasAllocated() {
    long before = allocatedBytes();
    assertThat(before).isPositive();
    byte[] big = new byte[4 << 20];
    assertThat(jedis.set("allocated".getBytes(StandardCharsets.UTF_8), big)).isEqualTo("OK");
    // At least the array the node keeps the 4 MB value in.
    assertThat(allocatedBytes() - before).isGreaterThanOrEqualTo(4L << 20);
    jedis.del("allocated");
  }

  private long allocatedBytes() {
    Matcher m = Pattern.compile("jvm_allocated_bytes:(\\d+)\r\n").matcher(jedis.info("memory"));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void serverIntrospectionAnswersClients() {
    String info = jedis.info();
    assertThat(info).contains("# Server", "redis_version:", "# Clients", "connected_clients:",
        "# Memory", "used_memory:", "maxmemory:", "# Stats", "total_commands_processed:",
        "keyspace_hits:", "# Keyspace");
    assertThat(jedis.info("memory")).contains("used_memory:").doesNotContain("# Server");
    Map<String, String> maxmemory = jedis.configGet("maxmemory");
    assertThat(maxmemory).containsEntry("maxmemory", Long.toString(512L << 20));
    assertThat(jedis.configSet("maxmemory", "64mb")).isEqualTo("OK");
    assertThat(jedis.configGet("maxmemory")).containsEntry("maxmemory", Long.toString(64L << 20));
    jedis.configSet("maxmemory", "512mb");
    assertThat(jedis.configGet("maxmemory-*")).containsKey("maxmemory-policy");
    assertThatThrownBy(() -> jedis.configSet("nosuch", "1"))
        .hasMessage("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'");
    assertThat(jedis.clientSetname("tester")).isEqualTo("OK");
    assertThat(jedis.clientGetname()).isEqualTo("tester");
    assertThat(jedis.clientId()).isPositive();
    assertThat(jedis.clientList()).contains("name=tester", "id=" + jedis.clientId());
    assertThatThrownBy(() -> jedis.clientSetname("a b")).hasMessage(
        "ERR Client names cannot contain spaces, newlines or special characters.");
    assertThat(jedis.time()).hasSize(2);
    assertThat((Long) send("COMMAND", "COUNT")).isGreaterThan(60);
    assertThat(send("COMMAND", "INFO", "get")).isNotNull();
  }

  @Test
  void commandDocsParseAsJedisCommandDocuments() {
    Map<String, CommandDocument> docs = jedis.commandDocs("get", "SET", "expire", "nosuch");
    assertThat(docs).containsOnlyKeys("get", "set", "expire");
    assertThat(docs.get("get").getSummary()).isNotBlank();
    assertThat(docs.get("get").getSince()).isNotBlank();
    assertThat(docs.get("get").getGroup()).isEqualTo("string");
    assertThat(docs.get("expire").getGroup()).isEqualTo("generic");
    assertThat(jedis.commandDocs()).as("every command").hasSize(
        ((Long) send("COMMAND", "COUNT")).intValue()).containsKeys("ping", "mset", "cluster");
  }

  @Test
  void infoKeyspaceCountsTheKeysWithAnExpiry() {
    assertThat(jedis.info("keyspace")).doesNotContain("db0:");
    jedis.set("plain", "1");
    jedis.set("timed", "2", SetParams.setParams().ex(100));
    jedis.set("later", "3");
    jedis.expire("later", 50);
    jedis.set("persisted", "4", SetParams.setParams().px(100_000));
    jedis.persist("persisted");
    Map<String, String> db0 = keyspaceFields(jedis.info("keyspace"));
    assertThat(db0).containsExactly(Map.entry("keys", "4"), Map.entry("expires", "2"),
        Map.entry("avg_ttl", "0"));
    jedis.del("timed", "later");
    assertThat(keyspaceFields(jedis.info("keyspace")))
        .containsEntry("keys", "2").containsEntry("expires", "0");
  }

  /** Parses the {@code db0:k=v,...} line of {@code INFO keyspace} as redis-py does. */
  private static Map<String, String> keyspaceFields(String info) {
    String line = info.lines().filter(l -> l.startsWith("db0:")).findFirst().orElseThrow();
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    for (String pair : line.substring("db0:".length()).split(",")) {
      String[] kv = pair.split("=", 2);
      fields.put(kv[0], kv[1]);
    }
    return fields;
  }

  @Test
  void clientKillClosesTheOtherConnection() throws Exception {
    try (Jedis other = new Jedis(new HostAndPort("127.0.0.1", fixture.port()),
        DefaultJedisClientConfig.builder().protocol(protocol()).build())) {
      other.clientSetname("victim");
      long id = other.clientId();
      assertThat(send("CLIENT", "KILL", "ID", Long.toString(id))).isEqualTo(1L);
      assertThatThrownBy(other::ping).isInstanceOf(Exception.class);
      assertThat(jedis.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void unknownCommandsOfOtherDataTypesFailWithoutWrongAnswers() {
    assertThatThrownBy(() -> jedis.hset("h", "f", "v")).isInstanceOf(JedisDataException.class)
        .hasMessage("ERR unknown command 'HSET', with args beginning with: 'h' 'f' 'v' ");
    assertThatThrownBy(() -> jedis.lpush("l", "a")).hasMessageStartingWith(
        "ERR unknown command 'LPUSH'");
    assertThat(jedis.ping()).isEqualTo("PONG");
    assertThat(send("UNLINK", "x")).isEqualTo(0L);
    assertThat(Protocol.Command.PING).isNotNull();
  }
}
