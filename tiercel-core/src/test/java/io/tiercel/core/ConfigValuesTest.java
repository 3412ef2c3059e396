package io.tiercel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {
  @Test
  void sizesUseRedisUnits() {
    assertThat(ConfigValues.parseBytes("maxmemory", "512mb")).isEqualTo(512L << 20);
    assertThat(ConfigValues.parseBytes("maxmemory", "2G")).isEqualTo(2L << 30);
    assertThat(ConfigValues.parseBytes("maxmemory", "1024")).isEqualTo(1024);
    assertThat(ConfigValues.parseBytes("maxmemory", "4k")).isEqualTo(4096);
  }

  @Test
  void badSizesNameTheSettingAndTheExpectation() {
    assertThatThrownBy(() -> ConfigValues.parseBytes("maxmemory", "lots"))
        .hasMessage("maxmemory: 'lots' (expected: a size such as 1048576, 512mb or 2g)");
    assertThatThrownBy(() -> ConfigValues.parseBytes("maxmemory", "99999999999999tb"))
        .hasMessageContaining("below 8 exabytes");
  }

  @Test
  void durationsAcceptUnitsAndBareSeconds() {
    assertThat(ConfigValues.parseDuration("ttl", "120s")).isEqualTo(Duration.ofSeconds(120));
    assertThat(ConfigValues.parseDuration("ttl", "10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(ConfigValues.parseDuration("ttl", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigValues.parseDuration("ttl", "30")).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> ConfigValues.parseDuration("ttl", "soon"))
        .hasMessageStartingWith("ttl: 'soon'");
  }

  @Test
  void formattedSizesParseBack() {
    for (long size : new long[] {1, 1000, 1024, 512L << 20, 3L << 30}) {
      assertThat(ConfigValues.parseBytes("x", ConfigValues.formatBytes(size))).isEqualTo(size);
    }
  }

  @Test
  void cacheSpecParsesAndRejectsUnknownKeys() {
    CacheConfig c = CacheConfig.parse("policy=arc, maxmemory=64mb, ttl=10m");
    assertThat(c.policy()).isEqualTo(EvictionPolicyKind.ARC);
    assertThat(c.maxMemory()).isEqualTo(64L << 20);
    assertThat(c.defaultTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> CacheConfig.parse("colour=blue"))
        .hasMessage("cache spec: unknown key 'colour' (expected: policy, maxmemory or ttl)");
    assertThatThrownBy(() -> CacheConfig.parse("policy=fifo"))
        .hasMessage("policy: 'fifo' (expected: lru, arc or tinylfu)");
    assertThatThrownBy(() -> CacheConfig.parse("maxmemory=0")).hasMessageContaining("> 0");
  }
}
