package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * A lone node is a Redis Cluster of one: cluster clients discover it and route every key to it
 * (Lettuce's cluster client in {@link LettuceClientTest}, {@code redis-cli -c} in {@link
 * RedisCliTest}).
 */
class ClusterOfOneTest {
  static ServerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = ServerFixture.startInTempDir("tiercel-cluster1");
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static String id() {
    return fixture.server.node().runId();
  }

  @Test
  void jedisClusterDiscoversTheNodeAndServesKeysOfEverySlot() {
    try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1",
        fixture.port())), DefaultJedisClientConfig.builder().timeoutMillis(10_000).build())) {
      assertThat(cluster.getClusterNodes()).containsOnlyKeys("127.0.0.1:" + fixture.port());
      for (int i = 0; i < 200; i++) {
        assertThat(cluster.set("jc:" + i, "v" + i)).isEqualTo("OK");
      }
      for (int i = 0; i < 200; i++) {
        assertThat(cluster.get("jc:" + i)).isEqualTo("v" + i);
      }
      assertThat(cluster.mset("{user}:a", "1", "{user}:b", "2")).isEqualTo("OK");
      assertThat(cluster.mget("{user}:a", "{user}:b")).containsExactly("1", "2");
      assertThat(cluster.del("jc:7")).isEqualTo(1);
    }
  }

  @Test
  void clusterSubcommandsDescribeTheOneNode() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      assertThat(c.command("CLUSTER", "MYID").reply().text()).isEqualTo(id());
      assertThat(c.command("CLUSTER", "MYSHARDID").reply().text()).hasSize(40).isNotEqualTo(id());
      assertThat(c.command("CLUSTER", "KEYSLOT", "foo").reply().text()).isEqualTo("12182");
      assertThat(c.command("CLUSTER", "KEYSLOT", "{user1000}.following").reply().text())
          .isEqualTo(c.command("CLUSTER", "KEYSLOT", "{user1000}.followers").reply().text());
      assertThat(c.command("CLUSTER", "SLOTS").reply().printable()).isEqualTo(
          "*1\\r\\n*3\\r\\n:0\\r\\n:16383\\r\\n*4\\r\\n$9\\r\\n127.0.0.1\\r\\n:" + fixture.port()
              + "\\r\\n$40\\r\\n" + id() + "\\r\\n*0\\r\\n");
      assertThat(c.command("CLUSTER", "NODES").reply().text()).isEqualTo(id() + " 127.0.0.1:"
          + fixture.port() + "@0 myself,master - 0 0 0 connected 0-16383\n");
      RespValue shards = c.command("CLUSTER", "SHARDS").reply();
      assertThat(shards.printable()).contains("$5\\r\\nslots\\r\\n*2\\r\\n:0\\r\\n:16383",
          "$4\\r\\nrole\\r\\n$6\\r\\nmaster", "$6\\r\\nhealth\\r\\n$6\\r\\nonline");
      assertThat(c.command("CLUSTER", "REPLICAS", id()).reply().printable()).isEqualTo("*0\\r\\n");
      assertThat(c.command("READONLY").reply().text()).isEqualTo("OK");
      assertThat(c.command("READWRITE").reply().text()).isEqualTo("OK");
      assertThat(c.command("INFO", "cluster").reply().text()).contains("cluster_enabled:1");
    }
  }

  @Test
  void slotKeysAreCountedAndListedPerSelectedCache() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      c.command("CACHE", "CREATE", "slotkeys").reply();
      c.command("SELECT", "slotkeys").reply();
      String slot = c.command("CLUSTER", "KEYSLOT", "{tag}").reply().text();
      for (int i = 0; i < 5; i++) {
        c.command("SET", "{tag}" + i, "v").reply();
      }
      assertThat(c.command("CLUSTER", "COUNTKEYSINSLOT", slot).reply().text()).isEqualTo("5");
      assertThat(c.command("CLUSTER", "GETKEYSINSLOT", slot, "3").reply().children()).hasSize(3);
      assertThat(c.command("CLUSTER", "GETKEYSINSLOT", slot, "10").reply().sorted().printable())
          .isEqualTo("*5\\r\\n$6\\r\\n{tag}0\\r\\n$6\\r\\n{tag}1\\r\\n$6\\r\\n{tag}2\\r\\n"
              + "$6\\r\\n{tag}3\\r\\n$6\\r\\n{tag}4\\r\\n");
      c.command("SELECT", "0").reply();
      assertThat(c.command("CLUSTER", "COUNTKEYSINSLOT", slot).reply().text()).isEqualTo("0");
      c.command("CACHE", "DROP", "slotkeys").reply();
    }
  }

  @Test
  void badClusterArgumentsGetRedisErrorsAndTheConnectionKeepsServing() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      assertThat(c.command("CLUSTER", "COUNTKEYSINSLOT", "16384").reply().text())
          .isEqualTo("ERR Invalid slot");
      assertThat(c.command("CLUSTER", "COUNTKEYSINSLOT", "x").reply().text())
          .isEqualTo("ERR value is not an integer or out of range");
      assertThat(c.command("CLUSTER", "GETKEYSINSLOT", "1", "-1").reply().text())
          .isEqualTo("ERR Invalid slot or number of keys");
      assertThat(c.command("CLUSTER", "KEYSLOT").reply().text())
          .isEqualTo("ERR wrong number of arguments for 'cluster|keyslot' command");
      assertThat(c.command("CLUSTER", "MEET", "1.2.3.4", "1").reply().text())
          .isEqualTo("ERR unknown subcommand 'MEET'. Try CLUSTER HELP.");
      assertThat(c.command("CLUSTER", "REPLICAS", "nosuch").reply().text())
          .isEqualTo("ERR Unknown node nosuch");
      assertThat(c.command("WAIT", "1", "-1").reply().text()).isEqualTo("ERR timeout is negative");
      assertThat(c.command("WAIT", "x", "0").reply().text())
          .isEqualTo("ERR value is not an integer or out of range");
      assertThat(c.command("PING").reply().text()).isEqualTo("PONG");
    }
  }

  @Test
  void waitCountsNoReplicasAndAnswersInOrderAfterItsTimeout() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      assertThat(c.command("WAIT", "0", "0").reply().text()).isEqualTo("0");
      long start = System.nanoTime();
      // Pipelined: the commands behind WAIT answer after it, in order.
      c.send("*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$2\r\n50\r\n*2\r\n$4\r\nECHO\r\n$5\r\nafter\r\n");
      assertThat(c.reply().text()).isEqualTo("0");
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS
          .toNanos(50));
      assertThat(c.reply().text()).isEqualTo("after");
    }
  }

  @Test
  void aClientBlockedInWaitForeverIsForgottenWhenItDisconnects() throws Exception {
    try (RawClient admin = RawClient.tcp(fixture.port())) {
      long before = clients(admin);
      RawClient blocked = RawClient.tcp(fixture.port());
      blocked.command("WAIT", "1", "0");
      // A command queued behind the WAIT makes the node stop reading this connection.
      blocked.command("PING");
      assertThat(awaitClients(admin, before + 1)).isEqualTo(before + 1);
      blocked.close();
      assertThat(awaitClients(admin, before)).isEqualTo(before);
    }
  }

  private static long clients(RawClient c) throws Exception {
    String info = c.command("INFO", "clients").reply().text();
    for (String line : info.split("\r\n")) {
      if (line.startsWith("connected_clients:")) {
        return Long.parseLong(line.substring("connected_clients:".length()));
      }
    }
    throw new AssertionError("no connected_clients in " + info);
  }

  /** Polls INFO until the node counts {@code expected} clients, for at most 10 seconds. */
  private static long awaitClients(RawClient c, long expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long now = clients(c);
    while (now != expected && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      now = clients(c);
    }
    return now;
  }
}
