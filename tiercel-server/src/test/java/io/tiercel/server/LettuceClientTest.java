package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lettuce over TCP and the UNIX socket, RESP2 and RESP3: commands, pipelining, pub/sub. */
class LettuceClientTest {
  static ServerFixture fixture;
  static ClientResources resources;

  @BeforeAll
  static void start() throws Exception {
    fixture = ServerFixture.startInTempDir("tiercel-lettuce");
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    resources.shutdown(0, 2, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
    fixture.close();
  }

  static RedisClient client(RedisURI uri, ProtocolVersion version) {
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder().protocolVersion(version).build());
    return client;
  }

  static RedisURI tcp() {
    return RedisURI.Builder.redis("127.0.0.1", fixture.port())
        .withTimeout(Duration.ofSeconds(10)).build();
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void commandsWorkOverTcp(ProtocolVersion version) {
    RedisClient client = client(tcp(), version);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      exercise(connection.sync(), version.name());
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void commandsWorkOverTheUnixSocket(ProtocolVersion version) {
    RedisClient client = client(RedisURI.Builder.socket(fixture.socket().toString())
        .withTimeout(Duration.ofSeconds(10)).build(), version);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      exercise(connection.sync(), "uds-" + version.name());
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private static void exercise(RedisCommands<String, String> c, String prefix) {
    String k = prefix + ":k";
    assertThat(c.ping()).isEqualTo("PONG");
    assertThat(c.set(k, "v")).isEqualTo("OK");
    assertThat(c.get(k)).isEqualTo("v");
    assertThat(c.set(k, "w", SetArgs.Builder.nx())).isNull();
    assertThat(c.setGet(k, "x")).isEqualTo("v");
    assertThat(c.incr(prefix + ":n")).isEqualTo(1);
    assertThat(c.incrbyfloat(prefix + ":f", 1.5)).isEqualTo(1.5);
    assertThat(c.mget(k, prefix + ":none"))
        .containsExactly(KeyValue.just(k, "x"), KeyValue.empty(prefix + ":none"));
    assertThat(c.expire(k, 100)).isTrue();
    assertThat(c.ttl(k)).isEqualTo(100);
    assertThat(c.scan(ScanArgs.Builder.matches(prefix + ":*").limit(1000)).getKeys())
        .contains(k);
    assertThat(c.info("server")).contains("redis_version:");
    assertThat(c.clientSetname("lettuce")).isEqualTo("OK");
    assertThat(c.clientGetname()).isEqualTo("lettuce");
    assertThat(c.configGet("maxmemory")).containsKey("maxmemory");
    assertThat(c.del(k, prefix + ":n", prefix + ":f")).isEqualTo(3);
    c.set(k, "abc");
    assertThatThrownBy(() -> c.incr(k))
        .hasMessageContaining("ERR value is not an integer or out of range");
    c.del(k);
  }

  @Test
  void pipelinedAsyncCommandsAreAnsweredInOrder() throws Exception {
    RedisClient client = client(tcp(), ProtocolVersion.RESP3);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.setAutoFlushCommands(false);
      var async = connection.async();
      List<io.lettuce.core.RedisFuture<Long>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        futures.add(async.incr("pipelined"));
      }
      connection.flushCommands();
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1L);
      }
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void publishedMessagesReachSubscribers(ProtocolVersion version) throws Exception {
    RedisClient client = client(tcp(), version);
    try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
        StatefulRedisConnection<String, String> pub = client.connect()) {
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      sub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          received.add(channel + "=" + message);
        }

        @Override
        public void message(String pattern, String channel, String message) {
          received.add(pattern + ">" + channel + "=" + message);
        }
      });
      String channel = "news-" + version;
      sub.sync().subscribe(channel);
      sub.sync().psubscribe("alerts-*");
      assertThat(pub.sync().publish(channel, "hello")).isEqualTo(1);
      assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(channel + "=hello");
      assertThat(pub.sync().publish("alerts-" + version, "fire")).isEqualTo(1);
      assertThat(received.poll(10, TimeUnit.SECONDS))
          .isEqualTo("alerts-*>alerts-" + version + "=fire");
      assertThat(pub.sync().pubsubNumsub(channel)).containsEntry(channel, 1L);
      sub.sync().unsubscribe(channel);
      assertThat(pub.sync().publish(channel, "again")).isZero();
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  @Test
  void unixSocketFileIsPrivateToItsOwner() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.socket())))
        .isEqualTo("rwx------");
  }

  @ParameterizedTest
  @EnumSource(ProtocolVersion.class)
  void lettuceClusterClientSeesOneMasterOwningAllSlots(ProtocolVersion version) {
    RedisClusterClient client = RedisClusterClient.create(resources, tcp());
    client.setOptions(ClusterClientOptions.builder().protocolVersion(version).build());
    try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      Partitions partitions = client.getPartitions();
      assertThat(partitions.size()).isEqualTo(1);
      RedisClusterNode only = partitions.getPartition(0);
      assertThat(only.getNodeId()).isEqualTo(fixture.server.node().runId());
      assertThat(only.getUri().getPort()).isEqualTo(fixture.port());
      assertThat(only.getSlots()).hasSize(16384);
      assertThat(only.is(RedisClusterNode.NodeFlag.UPSTREAM)).isTrue();
      RedisAdvancedClusterCommands<String, String> redis = connection.sync();
      for (int i = 0; i < 100; i++) {
        redis.set("lc:" + version + ":" + i, "v" + i);
      }
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        keys.add("lc:" + version + ":" + i);
      }
      // Keys of many slots in one MGET: Lettuce splits it by slot, all to this node.
      assertThat(redis.mget(keys.toArray(String[]::new))).hasSize(100)
          .allSatisfy(kv -> assertThat(kv.getValue()).isEqualTo("v" + kv.getKey()
              .substring(kv.getKey().lastIndexOf(':') + 1)));
      assertThat(redis.clusterKeyslot("somekey")).isEqualTo(11058);
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
