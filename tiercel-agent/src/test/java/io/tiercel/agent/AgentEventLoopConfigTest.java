package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.server.ServerConfig;
import org.junit.jupiter.api.Test;

class AgentEventLoopConfigTest {
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

  @Test
  void agentLoopsAskForAShortSliceUnlessTheFlagSaysOtherwise() {
    assertThat(AgentConfig.parse(REQUIRED).store().ioThreadSliceMicros()).isEqualTo(100);
    assertThat(AgentConfig.parse(with("--io-thread-slice-micros", "0")).store()
        .ioThreadSliceMicros()).isZero();
    assertThat(AgentConfig.parse(with("--io-thread-slice-micros=500")).store()
        .ioThreadSliceMicros()).isEqualTo(500);
    assertThatThrownBy(() -> AgentConfig.parse(with("--io-thread-slice-micros", "10")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 or an integer in 100..100000");
  }
}
