package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.server.pipeline.BatchClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's local GET path is as lean as a node's: commands are not timed unless the agent
 * serves metrics (GET's hits and misses are still counted), and a read batch's commands share one
 * clock reading. Real node process, real UNIX socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentLocalReadTest {
  @TempDir Path dir;

  private NodeProcess node;
  private TiercelAgent agent;
  private RespClient client;

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(client, agent, node);
  }

  private void start(String... extra) throws Exception {
    node = NodeProcess.start(0);
    List<String> args = new ArrayList<>(List.of("--unixsocket", dir.resolve("a.sock").toString(),
        "--nodes", "127.0.0.1:" + node.port()));
    args.addAll(List.of(extra));
    agent = new TiercelAgent(AgentConfig.parse(args.toArray(String[]::new))).start();
    client = RespClient.unix(dir.resolve("a.sock"));
  }

  private String infoField(String name) throws Exception {
    return InfoFields.agent(client, name);
  }

  @Test
  void withoutMetricsCommandsRunUntimedAndGetHitsAndMissesAreStillCounted() throws Exception {
    start();
    assertThat(agent.dispatcher().timed()).isFalse();
    assertThat(client.call("SET", "k", "v")).isEqualTo("OK");
    assertThat(client.call("GET", "k")).isEqualTo("v");
    assertThat(client.call("GET", "k")).isEqualTo("v");
    assertThat(client.call("GET", "absent")).isNull();
    assertThat(infoField("local_hits")).isEqualTo("2");
    assertThat(infoField("local_misses")).isEqualTo("1");
  }

  @Test
  void withMetricsCommandsAreTimed() throws Exception {
    start("--http-port", "0");
    assertThat(agent.dispatcher().timed()).isTrue();
    assertThat(client.call("SET", "k", "v")).isEqualTo("OK");
    assertThat(client.call("GET", "k")).isEqualTo("v");
    assertThat(infoField("local_hits")).isEqualTo("1");
  }

  @Test
  void aPipelinedBatchRunsOnTheBatchClockAndAnswersInOrder() throws Exception {
    start();
    assertThat(agent.node().clock()).isInstanceOf(BatchClock.class);
    client.sendAll(List.of(new String[] {"SET", "a", "1"},
        new String[] {"SET", "b", "2", "PX", "600000"}, new String[] {"GET", "a"},
        new String[] {"PTTL", "b"}, new String[] {"GET", "b"}, new String[] {"DEL", "a"},
        new String[] {"GET", "a"}));
    assertThat(client.read()).isEqualTo("OK");
    assertThat(client.read()).isEqualTo("OK");
    assertThat(client.read()).isEqualTo("1");
    assertThat((Long) client.read()).isBetween(1L, 600_000L);
    assertThat(client.read()).isEqualTo("2");
    assertThat(client.read()).isEqualTo(1L);
    assertThat(client.read()).isNull();
  }

  @Test
  void memoryAndObjectAnswerFromTheAgentsOwnStore() throws Exception {
    start();
    // A plain SET stays in the agent's store: the node never sees the key.
    assertThat(client.call("SET", "local", "12345")).isEqualTo("OK");

    assertThat((Long) client.call("MEMORY", "USAGE", "local")).isPositive();
    assertThat(client.call("OBJECT", "ENCODING", "local")).isEqualTo("int");
    assertThat(client.call("OBJECT", "REFCOUNT", "local")).isEqualTo(1L);
    assertThat((Long) client.call("OBJECT", "FREQ", "local")).isBetween(0L, 15L);
    assertThat(client.call("MEMORY", "USAGE", "absent")).isNull();
    String stats = String.valueOf(client.call("INFO", "stats"));
    assertThat(InfoFields.field(stats, "keyspace_hits")).as("no inspection is a read")
        .isEqualTo("0");
    assertThat(InfoFields.field(stats, "keyspace_misses")).isEqualTo("0");
  }
}
