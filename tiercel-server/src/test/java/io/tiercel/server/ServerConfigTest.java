package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.EvictionPolicyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsMatchTheDesign() {
    ServerConfig c = ServerConfig.parse();
    assertThat(c.bind()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(7379);
    assertThat(c.httpPort()).isEqualTo(7380);
    assertThat(c.unixSocket()).isNull();
    assertThat(c.unixSocketPerm()).isEqualTo(0700);
    assertThat(c.maxMemory()).isEqualTo(512L << 20);
    assertThat(c.respLimits().maxBulkLength()).isEqualTo(512L << 20);
  }

  @Test
  void flagsOverrideTheConfigFile() throws Exception {
    Path file = dir.resolve("tiercel.conf");
    Files.writeString(file, """
        # a comment
        port 7000
        maxmemory 1gb
        policy arc
        requirepass "pw"
        snapshot-interval=30s
        """);
    ServerConfig c = ServerConfig.parse("--config", file.toString(), "--port=7001",
        "--appendonly", "yes", "--coordinator", "10.0.0.1:7400", "--timeout", "60");
    assertThat(c.port()).isEqualTo(7001);
    assertThat(c.maxMemory()).isEqualTo(1L << 30);
    assertThat(c.policy()).isEqualTo(EvictionPolicyKind.ARC);
    assertThat(c.requirePass()).isEqualTo("pw");
    assertThat(c.snapshotInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.appendOnly()).isTrue();
    assertThat(c.coordinator()).isEqualTo("10.0.0.1:7400");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.configFile()).isEqualTo(file.toAbsolutePath());
  }

  @Test
  void aofBufferWaitDefaultsToFiveSecondsAndTakesADuration() {
    assertThat(ServerConfig.parse().aofBufferWait()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(ServerConfig.parse("--aof-buffer-wait", "250ms").aofBufferWait())
        .isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(ServerConfig.parse("--aof-buffer-wait", "0").aofBufferWait())
        .isEqualTo(java.time.Duration.ZERO);
    assertThatThrownBy(() -> ServerConfig.parse("--aof-buffer-wait", "soon"))
        .hasMessageStartingWith("aof-buffer-wait: 'soon'");
  }

  @Test
  void badValuesNameTheFlagAndWhatWasExpected() throws Exception {
    assertThatThrownBy(() -> ServerConfig.parse("--port", "x"))
        .hasMessage("port: 'x' (expected: an integer in 0..65535)");
    assertThatThrownBy(() -> ServerConfig.parse("--bogus", "1")).hasMessage("unknown flag --bogus");
    assertThatThrownBy(() -> ServerConfig.parse("--port")).hasMessage("flag --port needs a value");
    assertThatThrownBy(() -> ServerConfig.parse("--coordinator", "nohost"))
        .hasMessageContaining("HOST:PORT");
    Path file = dir.resolve("bad.conf");
    Files.writeString(file, "port 1\nmaxclients zero\n");
    assertThatThrownBy(() -> ServerConfig.parse("--config", file.toString()))
        .hasMessageContaining("bad.conf:2: maxclients");
  }
}
