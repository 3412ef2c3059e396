package io.tiercel.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.tiercel.server.command.Command;
import io.tiercel.server.command.CommandObserver;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commands recorded on event-loop threads and other threads add up in one scrape. */
class CommandMetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CommandMetrics metrics = new CommandMetrics(registry);

  @Test
  void countsAndBucketsSumOverLoopThreadsAndOtherThreads() throws Exception {
    Thread loop = new FastThreadLocalThread(() -> {
      for (int i = 0; i < 1000; i++) {
        metrics.completed(Command.GET, CommandObserver.OK, 5_000);
      }
      metrics.completed(Command.GET, CommandObserver.MISS, 30_000);
      metrics.completed(Command.SET, CommandObserver.OK, 2_000_000);
    });
    loop.start();
    loop.join();
    metrics.completed(Command.GET, CommandObserver.OK, 7_000);
    metrics.completed(null, CommandObserver.ERROR, 1_000);
    metrics.completed(Command.SET, CommandObserver.OK, 5_000_000_000L);

    Map<String, Double> p = parse(registry.scrape());
    assertThat(p.get("tiercel_commands_total{command=\"get\",result=\"hit\"}")).isEqualTo(1001.0);
    assertThat(p.get("tiercel_commands_total{command=\"get\",result=\"miss\"}")).isEqualTo(1.0);
    assertThat(p.get("tiercel_commands_total{command=\"set\",result=\"ok\"}")).isEqualTo(2.0);
    assertThat(p.get("tiercel_commands_total{command=\"unknown\",result=\"error\"}"))
        .isEqualTo(1.0);
    assertThat(p).doesNotContainKey("tiercel_commands_total{command=\"del\",result=\"ok\"}");
    // Buckets are cumulative: 1001 reads at 5-7 us, one at 30 us.
    assertThat(bucket(p, "read", "1.0E-5")).isEqualTo(1001.0);
    assertThat(bucket(p, "read", "2.5E-5")).isEqualTo(1001.0);
    assertThat(bucket(p, "read", "5.0E-5")).isEqualTo(1002.0);
    assertThat(bucket(p, "read", "+Inf")).isEqualTo(1002.0);
    assertThat(p.get("tiercel_command_duration_seconds_count{kind=\"read\"}")).isEqualTo(1002.0);
    assertThat(p.get("tiercel_command_duration_seconds_sum{kind=\"read\"}"))
        .isCloseTo((1000 * 5_000 + 7_000 + 30_000) / 1e9, org.assertj.core.data.Offset.offset(1e-12));
    // A write of 2.5 ms lands in le=0.0025; one of 5 s only in +Inf.
    assertThat(bucket(p, "write", "0.001")).isEqualTo(0.0);
    assertThat(bucket(p, "write", "0.0025")).isEqualTo(1.0);
    assertThat(bucket(p, "write", "1.0")).isEqualTo(1.0);
    assertThat(bucket(p, "write", "+Inf")).isEqualTo(2.0);
    assertThat(p.get("tiercel_command_duration_seconds_count{kind=\"other\"}")).isEqualTo(1.0);
    assertThat(p.get("tiercel_command_duration_seconds_max{kind=\"write\"}")).isEqualTo(5.0);
    assertThat(p.get("tiercel_command_duration_seconds_max{kind=\"read\"}")).isEqualTo(3.0e-5);
  }

  @Test
  void maxCoversTheTimeSinceThePreviousScrape() {
    metrics.completed(Command.GET, CommandObserver.OK, 900_000);
    assertThat(parse(registry.scrape()).get("tiercel_command_duration_seconds_max{kind=\"read\"}"))
        .isEqualTo(9.0e-4);
    assertThat(parse(registry.scrape()).get("tiercel_command_duration_seconds_max{kind=\"read\"}"))
        .isEqualTo(0.0);
    metrics.completed(Command.GET, CommandObserver.OK, 20_000);
    Map<String, Double> p = parse(registry.scrape());
    assertThat(p.get("tiercel_command_duration_seconds_max{kind=\"read\"}")).isEqualTo(2.0e-5);
    assertThat(p.get("tiercel_command_duration_seconds_count{kind=\"read\"}")).isEqualTo(2.0);
  }

  private static double bucket(Map<String, Double> p, String kind, String le) {
    Double v = p.get("tiercel_command_duration_seconds_bucket{kind=\"" + kind + "\",le=\"" + le
        + "\"}");
    assertThat(v).as("bucket %s %s", kind, le).isNotNull();
    return v;
  }

  private static Map<String, Double> parse(String text) {
    Map<String, Double> values = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return values;
  }
}
