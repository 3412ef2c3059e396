package io.tiercel.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JmhCommandTest {

  @Test
  void benchmarkListIsGeneratedAtCompileTime() throws IOException {
    // Fails if annotation processing is off (javac 23+ runs none unless told to).
    try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
      assertThat(in).as("META-INF/BenchmarkList").isNotNull();
      String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(list).contains("io.tiercel.bench.jmh.GetPutBenchmark");
    }
  }

  @Test
  void perThreadFile_insertsTheThreadCountBeforeTheExtension() {
    assertThat(JmhCommand.perThreadFile("results/jmh.json", 2)).isEqualTo("results/jmh-t2.json");
    assertThat(JmhCommand.perThreadFile("jmh", 1)).isEqualTo("jmh-t1");
    assertThat(JmhCommand.perThreadFile("a.b/jmh", 1)).isEqualTo("a.b/jmh-t1");
  }

  @Test
  void zipf_isSkewedAndCoversTheRange() {
    int[] draws = Zipf.draw(1000, 100_000, 1);
    int[] counts = new int[1000];
    for (int d : draws) {
      counts[d]++;
    }
    int[] sorted = counts.clone();
    Arrays.sort(sorted);
    assertThat(sorted[999]).as("hottest").isGreaterThan(5_000); // ~1/H(1000, 0.99) = 13%
    assertThat(Arrays.stream(counts).filter(c -> c > 0).count()).isGreaterThan(900);
    assertThat(Zipf.draw(1000, 10, 1)).containsExactly(Arrays.copyOf(draws, 10));
  }

  @Test
  void keys_areDistinctAndTenBytes() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < GetPutBenchmark.ITEMS; i++) {
      byte[] key = GetPutBenchmark.key(i);
      assertThat(key).hasSize(10);
      seen.add(Arrays.toString(key));
    }
    assertThat(seen).hasSize(GetPutBenchmark.ITEMS);
  }
}
