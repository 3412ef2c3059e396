package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API as an operator's scripts use it: the real {@code curl} (installed by
 * dev-support/install-deps.sh) against a running node.
 */
class HttpCurlTest {
  @TempDir Path dir;

  /** One finished curl run. */
  private record Run(int exit, String out, String err) {}

  private static Run curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error",
        "--max-time", "10"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private static boolean curlInstalled() {
    try {
      return new ProcessBuilder("curl", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void curlStoresAndFetchesBinaryValuesAndSeesStatusCodes() throws Exception {
    assumeTrue(curlInstalled(), "curl is installed by dev-support/install-deps.sh");
    try (ServerFixture f = ServerFixture.start(dir)) {
      String base = "http://127.0.0.1:" + f.server.httpPort();
      byte[] value = new byte[100_000];
      new Random(42).nextBytes(value);
      Path in = dir.resolve("value.bin");
      Path out = dir.resolve("fetched.bin");
      Files.write(in, value);
      Run put = curl("-X", "PUT", "--data-binary", "@" + in, "-o", "/dev/null",
          "-w", "%{http_code}", base + "/caches/default/keys/blob%20one?ttl=10m");
      assertThat(put.out()).isEqualTo("204");
      Run get = curl("-o", out.toString(), "-w", "%{http_code} %{content_type}",
          base + "/caches/default/keys/blob%20one");
      assertThat(get.out()).isEqualTo("200 application/octet-stream");
      assertThat(Files.readAllBytes(out)).isEqualTo(value);
      Run missing = curl("--fail", base + "/caches/default/keys/none");
      assertThat(missing.exit()).isEqualTo(22);
      assertThat(missing.err()).contains("404");
      assertThat(curl(base + "/set?key=a&value=b").out()).isEqualTo("OK\n");
      assertThat(curl(base + "/get?key=a").out()).isEqualTo("b");
      assertThat(curl(base + "/health").out()).startsWith("{\"status\":\"ok\"");
      Run bad = curl("-X", "PUT", "--data-binary", "v", "-w", " %{http_code}",
          base + "/caches/default/keys/k?ttl=never");
      assertThat(bad.out()).startsWith("{\"error\":\"ttl: 'never'").endsWith(" 400");
    }
  }

  @Test
  void curlReusesOneKeepAliveConnectionAndSendsTheBearerToken() throws Exception {
    assumeTrue(curlInstalled(), "curl is installed by dev-support/install-deps.sh");
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("requirepass", "pw"))) {
      String base = "http://127.0.0.1:" + f.server.httpPort();
      assertThat(curl("-w", "%{http_code}", "-o", "/dev/null", base + "/caches").out())
          .isEqualTo("401");
      Run two = curl("--verbose", "-H", "Authorization: Bearer pw",
          base + "/set?key=x&value=1", base + "/get?key=x");
      assertThat(two.out()).isEqualTo("OK\n1");
      assertThat(two.err()).containsPattern("(?i)re-?using existing connection");
      Run metrics = curl("-H", "Authorization: Bearer pw", base + "/metrics");
      Prometheus p = Prometheus.parse(metrics.out());
      assertThat(p.value("tiercel_commands_total{command=\"get\",result=\"hit\"}"))
          .isEqualTo(1.0);
    }
  }
}
