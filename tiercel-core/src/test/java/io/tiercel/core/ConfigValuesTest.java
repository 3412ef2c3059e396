package io.tiercel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {
  private static final String EXPECTED_SIZE = "(expected: a size such as 1048576, 512mb or 2gb; "
      + "units k m g (powers of 1000), kb mb gb (of 1024))";

  @Test
  void unitsWithoutBAreDecimalAndWithBAreBinaryAsInRedis() {
    assertThat(ConfigValues.parseBytes("maxmemory", "1k")).isEqualTo(1_000);
    assertThat(ConfigValues.parseBytes("maxmemory", "1kb")).isEqualTo(1_024);
    assertThat(ConfigValues.parseBytes("maxmemory", "1m")).isEqualTo(1_000_000);
    assertThat(ConfigValues.parseBytes("maxmemory", "1mb")).isEqualTo(1_048_576);
    assertThat(ConfigValues.parseBytes("maxmemory", "1g")).isEqualTo(1_000_000_000);
    assertThat(ConfigValues.parseBytes("maxmemory", "1gb")).isEqualTo(1_073_741_824);
    assertThat(ConfigValues.parseBytes("maxmemory", "64m")).isEqualTo(64_000_000);
    assertThat(ConfigValues.parseBytes("maxmemory", "512mb")).isEqualTo(512L << 20);
  }

  @Test
  void aBareNumberOrBIsBytesAndLeadingZerosAreDigits() {
    assertThat(ConfigValues.parseBytes("maxmemory", "1024")).isEqualTo(1024);
    assertThat(ConfigValues.parseBytes("maxmemory", "7b")).isEqualTo(7);
    assertThat(ConfigValues.parseBytes("maxmemory", "0")).isZero();
    assertThat(ConfigValues.parseBytes("maxmemory", "01k")).isEqualTo(1_000);
  }

  @Test
  void unitsIgnoreAsciiCase() {
    assertThat(ConfigValues.parseBytes("maxmemory", "1K")).isEqualTo(1_000);
    assertThat(ConfigValues.parseBytes("maxmemory", "1KB")).isEqualTo(1_024);
    assertThat(ConfigValues.parseBytes("maxmemory", "1Kb")).isEqualTo(1_024);
    assertThat(ConfigValues.parseBytes("maxmemory", "1kB")).isEqualTo(1_024);
    assertThat(ConfigValues.parseBytes("maxmemory", "2M")).isEqualTo(2_000_000);
    assertThat(ConfigValues.parseBytes("maxmemory", "2MB")).isEqualTo(2L << 20);
    assertThat(ConfigValues.parseBytes("maxmemory", "2G")).isEqualTo(2_000_000_000L);
    assertThat(ConfigValues.parseBytes("maxmemory", "2GB")).isEqualTo(2L << 30);
    assertThat(ConfigValues.parseBytes("maxmemory", "3B")).isEqualTo(3);
  }

  @Test
  void whatRedisRefusesIsRefusedNamingTheSettingAndTheUnits() {
    // Sign, fraction, space, hex, a unit Redis lacks (t, tb), a unit twice, a non-ASCII digit
    // or letter (Arabic-Indic one, Kelvin sign): none is a size in Redis's memtoull.
    for (String text : new String[] {"-1", "+1", "1.5mb", "1 mb", " 1k", "1k ", "0x10", "1t",
        "1tb", "1TB", "1kbb", "1kib", "\u0661", "1\u212Ab", "lots"}) {
      assertThatThrownBy(() -> ConfigValues.parseBytes("maxmemory", text)).as(text)
          .hasMessage("maxmemory: '" + text + "' " + EXPECTED_SIZE);
    }
  }

  @Test
  void emptyTextOrAUnitAloneIsRefusedWhereRedisReadsZero() {
    for (String text : new String[] {"", "kb", "b", "MB"}) {
      assertThatThrownBy(() -> ConfigValues.parseBytes("maxmemory", text)).as(text)
          .hasMessage("maxmemory: '" + text + "' " + EXPECTED_SIZE);
    }
  }

  @Test
  void sizesAboveALongAreRefusedWhereRedisSaturatesOrWraps() {
    assertThat(ConfigValues.parseBytes("maxmemory", "9223372036854775807"))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(ConfigValues.parseBytes("maxmemory", "8589934591gb"))
        .isEqualTo(8_589_934_591L << 30);
    // Redis: 9223372036854775808 as is, 18446744073709551616 saturated, 17179869184gb wrapped to 0.
    for (String text : new String[] {"9223372036854775808", "18446744073709551616",
        "8589934592gb", "17179869184gb", "99999999999999999999999k"}) {
      assertThatThrownBy(() -> ConfigValues.parseBytes("maxmemory", text)).as(text)
          .hasMessage("maxmemory: '" + text + "' (expected: a size below 8 exabytes)");
    }
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
  void formattedSizesUseBinaryUnitsAndParseBack() {
    assertThat(ConfigValues.formatBytes(1000)).isEqualTo("1000");
    assertThat(ConfigValues.formatBytes(1024)).isEqualTo("1kb");
    assertThat(ConfigValues.formatBytes(512L << 20)).isEqualTo("512mb");
    assertThat(ConfigValues.formatBytes(1L << 40)).isEqualTo("1024gb");
    for (long size : new long[] {0, 1, 1000, 1024, 1_000_000, 1_000_000_000, 512L << 20, 3L << 30,
        5L << 40, Long.MAX_VALUE}) {
      assertThat(ConfigValues.parseBytes("x", ConfigValues.formatBytes(size))).isEqualTo(size);
    }
  }

  @Test
  void cacheSpecParsesAndRejectsUnknownKeys() {
    CacheConfig c = CacheConfig.parse("policy=arc, maxmemory=64mb, ttl=10m");
    assertThat(c.policy()).isEqualTo(EvictionPolicyKind.ARC);
    assertThat(c.maxMemory()).isEqualTo(64L << 20);
    assertThat(c.defaultTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(CacheConfig.parse("maxmemory=64m").maxMemory()).isEqualTo(64_000_000);
    assertThat(CacheConfig.parse("maxmemory = 2kb ,ttl=0").maxMemory()).isEqualTo(2048);
    assertThatThrownBy(() -> CacheConfig.parse("maxmemory=1tb"))
        .hasMessageStartingWith("maxmemory: '1tb' (expected: a size such as");
    assertThatThrownBy(() -> CacheConfig.parse("colour=blue"))
        .hasMessage("cache spec: unknown key 'colour' (expected: policy, maxmemory or ttl)");
    assertThatThrownBy(() -> CacheConfig.parse("policy=fifo"))
        .hasMessage("policy: 'fifo' (expected: lru, arc or tinylfu)");
    assertThatThrownBy(() -> CacheConfig.parse("maxmemory=0")).hasMessageContaining("> 0");
  }
}
