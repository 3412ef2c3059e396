package io.tiercel.bench.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.bench.BenchMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MemoryCommandTest {

  @Test
  void smallRun_printsHeapAndAccountingRows() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BenchMain.run(
        new String[] {"memory", "--entries", "2000", "--policy", "tinylfu", "--churn", "--no-jol"},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed).contains("JVM flags in effect: UseCompactObjectHeaders=")
        .contains("tinylfu: wrote 4,000 keys")
        .containsPattern("(?m)^tinylfu +heap ")
        .containsPattern("(?m)^tinylfu +weight ");
  }

  @Test
  void badFlags_exit2() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(BenchMain.run(new String[] {"memory", "--policy", "fifo"}, sink, sink)).isEqualTo(2);
    assertThat(BenchMain.run(new String[] {"memory", "--entries", "0"}, sink, sink)).isEqualTo(2);
    assertThat(BenchMain.run(new String[] {"memory", "--entries"}, sink, sink)).isEqualTo(2);
  }
}
