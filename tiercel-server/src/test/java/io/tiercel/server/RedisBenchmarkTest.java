package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real redis-benchmark (Debian's redis-tools) against a node, over TCP and the UNIX socket, at
 * pipeline 1 and 16: it exits only once every request it sent is answered, so a lost or
 * misordered reply shows as a timeout; the node's counters must then account for each request.
 * A small bounded run: no speed is asserted (that is bench/compare-redis.sh's job).
 */
class RedisBenchmarkTest {
  private static final int REQUESTS = 2000;
  private static final int KEYSPACE = 1000;
  private static final int CLIENTS = 8;
  private static final long TIMEOUT_SECONDS = 60;

  static ServerFixture fixture;
  static String redisBenchmark;

  @BeforeAll
  static void start() throws Exception {
    redisBenchmark = Executables.onPath("redis-benchmark");
    assumeTrue(redisBenchmark != null,
        "redis-benchmark is not installed (dev-support/install-deps.sh)");
    fixture = ServerFixture.startInTempDir("tiercel-benchmark");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @ParameterizedTest(name = "{0}, pipeline {1}")
  @CsvSource({"tcp, 1", "tcp, 16", "unix, 1", "unix, 16"})
  void everySetAndGetOfRedisBenchmarkIsAnswered(String transport, int pipeline) throws Exception {
    Map<String, Long> before = stats();

    Map<String, Double> rps = run(transport, pipeline);

    assertThat(rps).as("one CSV row per test, in order").containsOnlyKeys("SET", "GET");
    assertThat(rps.values()).as("requests per second").allSatisfy(v -> assertThat(v).isPositive());
    Map<String, Long> after = stats();
    long gets = after.get("keyspace_hits") + after.get("keyspace_misses")
        - before.get("keyspace_hits") - before.get("keyspace_misses");
    assertThat(gets).as("every GET reached the store").isEqualTo(REQUESTS);
    long commands = after.get("total_commands_processed") - before.get("total_commands_processed");
    // SETs and GETs, plus the CONFIG GETs redis-benchmark sends first and this test's INFO.
    assertThat(commands).as("commands processed").isBetween(2L * REQUESTS, 2L * REQUESTS + 20);
    try (RawClient c = RawClient.tcp(fixture.port())) {
      long dbsize = Long.parseLong(c.command("DBSIZE").reply().text());
      assertThat(dbsize).as("the SETs' random keys landed").isBetween(1L, (long) KEYSPACE);
      RespValue key = c.command("RANDOMKEY").reply();
      assertThat(key.text()).matches("key:\\d{12}");
      assertThat(c.command("STRLEN", key.text()).reply().text()).isEqualTo("16");
    }
  }

  /** Runs redis-benchmark's SET and GET tests; returns each test's requests per second. */
  private static Map<String, Double> run(String transport, int pipeline) throws Exception {
    List<String> command = new ArrayList<>(List.of(redisBenchmark));
    if (transport.equals("unix")) {
      command.addAll(List.of("-s", fixture.socket().toString()));
    } else {
      command.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(fixture.port())));
    }
    command.addAll(List.of("-t", "set,get", "-n", Integer.toString(REQUESTS),
        "-c", Integer.toString(CLIENTS), "-P", Integer.toString(pipeline),
        "-r", Integer.toString(KEYSPACE), "-d", "16", "--csv"));
    Path out = Files.createTempFile("redis-benchmark", ".csv");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("redis-benchmark did not finish in " + TIMEOUT_SECONDS
            + " s (a request was not answered?): " + Files.readString(out));
      }
      String csv = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("redis-benchmark's exit status; output:\n" + csv).isZero();
      return parseCsv(csv);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Parses {@code --csv} output: a header row, then {@code "TEST","rps",...} per test. */
  static Map<String, Double> parseCsv(String csv) {
    Map<String, Double> rps = new LinkedHashMap<>();
    List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("CSV output").isNotEmpty();
    assertThat(lines.get(0)).startsWith("\"test\",\"rps\"");
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      assertThat(cells.length).as(line).isGreaterThanOrEqualTo(2);
      rps.put(unquote(cells[0]), Double.parseDouble(unquote(cells[1])));
    }
    return rps;
  }

  private static String unquote(String cell) {
    return cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")
        ? cell.substring(1, cell.length() - 1) : cell;
  }

  /** Returns the node's {@code INFO stats} counters. */
  private static Map<String, Long> stats() throws Exception {
    try (RawClient c = RawClient.tcp(fixture.port())) {
      Map<String, Long> stats = new HashMap<>();
      for (String line : c.command("INFO", "stats").reply().text().split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(colon + 1).matches("\\d+")) {
          stats.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1)));
        }
      }
      return stats;
    }
  }
}
