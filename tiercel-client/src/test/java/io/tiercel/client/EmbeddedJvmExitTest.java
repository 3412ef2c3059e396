package io.tiercel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A serving process whose application forgets to close the cache still exits, data intact. */
class EmbeddedJvmExitTest {
  @TempDir Path root;

  @Test
  void aServingJvmThatNeverClosesItsCacheExitsWhenMainReturnsAndKeepsTheWrite() throws Exception {
    Process p = new ProcessBuilder(List.of(
        ProcessHandle.current().info().command().orElseThrow(), "-Xmx256m",
        "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), UnclosedCacheMain.class.getName(),
        root.toString(), "exits", "k", "kept"))
        .redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("child.err").toFile()))
        .start();
    boolean exited = p.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(exited).as("the JVM ended after main returned").isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("set serving=true");
    try (EmbeddedCache again = Tiercel.open("exits",
        EmbeddedOptions.builder().root(root).build())) {
      assertThat(again.isServing()).isTrue();
      assertThat(again.get("k")).isEqualTo("kept");
    }
  }
}
