package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.server.ServerConfig;
import org.junit.jupiter.api.Test;

class AgentIoSpinConfigTest {
  private static final String[] REQUIRED =
      {"--unixsocket", "/tmp/a.sock", "--nodes", "127.0.0.1:7379"};

  private static String[] with(String... more) {
    String[] all = new String[REQUIRED.length + more.length];
    System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
    System.arraycopy(more, 0, all, REQUIRED.length, more.length);
    return all;
  }

  @Test
  void agentLoopsSpinByDefaultWhileTheNodesDoNot() {
    assertThat(AgentConfig.parse(REQUIRED).store().ioSpinMicros())
        .isEqualTo(AgentConfig.AGENT_IO_SPIN_MICROS).isPositive();
    assertThat(new ServerConfig().ioSpinMicros()).isZero();
  }

  @Test
  void theFlagSetsTheAgentsSpinAndZeroTurnsItOff() {
    assertThat(AgentConfig.parse(with("--io-spin-micros", "0")).store().ioSpinMicros()).isZero();
    assertThat(AgentConfig.parse(with("--io-spin-micros=200")).store().ioSpinMicros())
        .isEqualTo(200);
  }
}
