package io.tiercel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process: the serving handle's API, its options, its files and its recovery. */
class EmbeddedCacheTest {
  @TempDir Path root;

  private EmbeddedOptions.Builder options() {
    return EmbeddedOptions.builder().root(root).logFile(false);
  }

  @Test
  void theFirstOpenServesAndSetGetPopPurgeWorkInProcess() {
    try (EmbeddedCache cache = Tiercel.open("foo_cache", options().build())) {
      assertThat(cache.isServing()).isTrue();
      assertThat(cache.name()).isEqualTo("foo_cache");
      assertThat(cache.get("a")).isNull();
      cache.set("a", "1");
      cache.set("b".getBytes(StandardCharsets.UTF_8), new byte[] {0, (byte) 0xff, 13, 10});
      assertThat(cache.get("a")).isEqualTo("1");
      assertThat(cache.get("b".getBytes(StandardCharsets.UTF_8)))
          .containsExactly(0, (byte) 0xff, 13, 10);
      assertThat(cache.pop("a")).isEqualTo("1");
      assertThat(cache.pop("a")).isNull();
      assertThat(cache.get("a")).isNull();
      cache.purge();
      assertThat(cache.get("b")).isNull();
    }
    assertThat(Files.exists(root.resolve("foo_cache").resolve("lock"))).isTrue();
    assertThat(Files.exists(root.resolve("foo_cache").resolve("sock")))
        .as("the socket is removed on close").isFalse();
  }

  @Test
  void aValueChangedByTheCallerAfterSetIsNotChangedInTheCache() {
    try (EmbeddedCache cache = Tiercel.open("c", options().build())) {
      byte[] value = {1, 2, 3};
      cache.set("k".getBytes(StandardCharsets.UTF_8), value);
      value[0] = 9;
      assertThat(cache.get("k".getBytes(StandardCharsets.UTF_8))).containsExactly(1, 2, 3);
    }
  }

  @Test
  void setWithTtlAndTheDefaultExpiryExpireOnTheServingClock() {
    ManualClock clock = new ManualClock();
    try (EmbeddedCache cache = Tiercel.open("ttl", options().clock(clock)
        .defaultExpiry(Duration.ofMinutes(10)).build())) {
      cache.set("short", "1", Duration.ofSeconds(30));
      cache.set("default", "2");
      clock.advance(Duration.ofSeconds(29));
      assertThat(cache.get("short")).isEqualTo("1");
      clock.advance(Duration.ofSeconds(2));
      assertThat(cache.get("short")).isNull();
      assertThat(cache.get("default")).isEqualTo("2");
      clock.advance(Duration.ofMinutes(10));
      assertThat(cache.get("default")).isNull();
      assertThatThrownBy(() -> cache.set("k", "v", Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    }
  }

  @Test
  void reopeningRecoversEveryWriteFromTheLogAndTheSnapshot() {
    EmbeddedOptions opts = options().snapshotInterval(Duration.ZERO).build();
    try (EmbeddedCache cache = Tiercel.open("durable", opts)) {
      for (int i = 0; i < 500; i++) {
        cache.set("k" + i, "v" + i);
      }
      cache.pop("k7");
    }
    try (EmbeddedCache cache = Tiercel.open("durable", opts)) {
      assertThat(cache.isServing()).isTrue();
      assertThat(cache.get("k499")).isEqualTo("v499");
      assertThat(cache.get("k0")).isEqualTo("v0");
      assertThat(cache.get("k7")).isNull();
    }
  }

  @Test
  void twoHandlesInOneProcessShareTheCacheAndTheLastCloseStopsServing() {
    EmbeddedCache one = Tiercel.open("shared", options().build());
    EmbeddedCache two = Tiercel.open("shared", options().build());
    one.set("k", "v");
    assertThat(two.get("k")).isEqualTo("v");
    one.close();
    assertThatThrownBy(() -> one.get("k")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(two.get("k")).isEqualTo("v");
    two.close();
    assertThat(Files.exists(root.resolve("shared").resolve("sock"))).isFalse();
  }

  @Test
  void threadsHammeringOneServingHandleEachReadTheirOwnWrites() throws Exception {
    try (EmbeddedCache cache = Tiercel.open("hammer", options().build())) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          String owner = "t" + t + ":";
          results.add(pool.submit(() -> {
            int checked = 0;
            for (int i = 0; i < 2_000; i++) {
              String key = owner + (i % 37);
              cache.set(key, "v" + i);
              assertThat(cache.get(key)).isEqualTo("v" + i);
              if (i % 10 == 0) {
                assertThat(cache.pop(key)).isEqualTo("v" + i);
                assertThat(cache.get(key)).isNull();
              }
              checked++;
            }
            return checked;
          }));
        }
        for (Future<Integer> f : results) {
          assertThat(f.get()).isEqualTo(2_000);
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void badNamesAndOptionsAreRefusedWithWhatWasExpected() {
    assertThatThrownBy(() -> Tiercel.open("../evil", options().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache name");
    assertThatThrownBy(() -> Tiercel.open("", options().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache name");
    Path deep = root.resolve("x".repeat(60)).resolve("y".repeat(40));
    assertThatThrownBy(() -> Tiercel.open("c", options().root(deep).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socket path");
    assertThatThrownBy(() -> EmbeddedOptions.builder().logLevel("loud"))
        .hasMessageContaining("expected: trace, debug, info, warn, error or off");
    assertThatThrownBy(() -> EmbeddedOptions.builder().snapshotInterval(Duration.ofSeconds(-1)))
        .hasMessageContaining("snapshotInterval");
    assertThatThrownBy(() -> EmbeddedOptions.builder().appendFsync("sometimes"))
        .hasMessageContaining("always, everysec or no");
    assertThatThrownBy(() -> EmbeddedOptions.builder().maxMemory(0))
        .hasMessageContaining("maxMemory");
  }

  @Test
  void theDefaultRootIsUnderTheUsersHome() {
    assertThat(EmbeddedOptions.defaults().root())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".tiercel", "embedded"));
  }
}
