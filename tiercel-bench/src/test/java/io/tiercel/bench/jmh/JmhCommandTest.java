package io.tiercel.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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
  void summary_dividesEachScoreByCaffeinesInTheSameFillAndThreadCount() {
    List<JmhCommand.Row> rows = List.of(
        row("tiercel_inline", "sparse", 1, 30), row("tiercel_inline", "full", 1, 10),
        row("caffeine", "sparse", 1, 120), row("caffeine", "full", 1, 20),
        row("caffeine_inline", "full", 1, 25), row("tiercel_inline", "full", 2, 16),
        row("caffeine", "full", 2, 64));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JmhCommand.printRows(rows, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("GetPutBenchmark.get")).toList();

    // Columns: ... unit, /caffeine, /inline, /bytes; a missing baseline prints "-".
    assertThat(lines.get(0)).contains(" sparse ").endsWith("0.25        -       -");
    assertThat(lines.get(1)).contains(" full ").endsWith("0.50     0.40       -");
    assertThat(lines.get(5)).contains(" full ").endsWith("0.25        -       -");
  }

  private static JmhCommand.Row row(String impl, String fill, int threads, double score) {
    return new JmhCommand.Row(
        "GetPutBenchmark.get", impl, "tinylfu", fill, threads, score, 0, "ops/s");
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
