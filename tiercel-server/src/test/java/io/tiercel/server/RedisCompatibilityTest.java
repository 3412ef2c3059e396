package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Sends the same raw RESP bytes to a node and to a real redis-server and compares the replies
 * byte for byte, in RESP2 and in RESP3, for every case in {@code compat/commands.txt} (see
 * {@link CompatCase} for its syntax). The intended differences are written next to their cases
 * in that file and in docs/architecture.md.
 */
class RedisCompatibilityTest {
  private static final String CASES = "/compat/commands.txt";
  /** A SCAN that has not finished after this many calls is a bug on its own. */
  private static final int MAX_SCAN_CALLS = 10_000;

  static RedisAndNode servers;

  @BeforeAll
  static void start() throws Exception {
    servers = RedisAndNode.start(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (servers != null) {
      servers.close();
    }
  }

  @TestFactory
  Stream<DynamicContainer> everyCaseRepliesAsRedisDoes() throws IOException {
    List<CompatCase.Group> groups;
    try (InputStream in = RedisCompatibilityTest.class.getResourceAsStream(CASES)) {
      assertThat(in).as(CASES).isNotNull();
      groups = CompatCase.parse(in);
    }
    assertThat(groups).isNotEmpty();
    return Stream.of(false, true).map(resp3 -> DynamicContainer.dynamicContainer(
        resp3 ? "RESP3" : "RESP2",
        groups.stream().map(g -> DynamicTest.dynamicTest(
            g.title() + " (line " + g.line() + ")", () -> runGroup(g, resp3)))));
  }

  private static void runGroup(CompatCase.Group group, boolean resp3) throws Exception {
    List<String> differences = new ArrayList<>();
    try (RawClient t = RawClient.tcp(servers.tiercel.port());
        RawClient r = RawClient.tcp(servers.redis.port())) {
      for (RawClient c : List.of(t, r)) {
        if (resp3) {
          assertThat(c.command("HELLO", "3").reply().type()).isEqualTo('%');
        }
        assertThat(c.command("FLUSHALL").reply().raw()).isEqualTo("+OK\r\n");
      }
      for (CompatCase c : group.cases()) {
        if (!c.runsIn(resp3)) {
          continue;
        }
        RespValue mine = runOrFailure(t, c);
        RespValue theirs = runOrFailure(r, c);
        String why = difference(c, mine, theirs);
        if (why != null) {
          differences.add("line " + c.line() + ": " + c.source() + " (" + why + ")\n  tiercel: "
              + mine.printable() + "\n  redis:   " + theirs.printable());
        }
        if (mine.type() == '!' || theirs.type() == '!') {
          break;
        }
      }
    }
    assertThat(differences).as("replies that differ from redis-server's").isEmpty();
  }

  @Test
  void infoKeyspaceCountsKeysAndExpiresAsRedisDoes() throws Exception {
    try (RawClient t = RawClient.tcp(servers.tiercel.port());
        RawClient r = RawClient.tcp(servers.redis.port())) {
      List<String> lines = new ArrayList<>();
      for (RawClient c : List.of(t, r)) {
        assertThat(c.command("FLUSHALL").reply().raw()).isEqualTo("+OK\r\n");
        assertThat(c.command("INFO", "keyspace").reply().text()).doesNotContain("db0:");
        for (String[] command : new String[][] {{"SET", "plain", "1"}, {"SET", "ex", "2", "EX",
            "100"}, {"SET", "px", "3", "PX", "100000"}, {"SET", "persisted", "4", "EX", "100"},
            {"PERSIST", "persisted"}, {"SET", "later", "5"}, {"EXPIRE", "later", "50"}}) {
          assertThat(c.command(command).reply().isError()).as(String.join(" ", command)).isFalse();
        }
        String info = c.command("INFO", "keyspace").reply().text();
        String db0 = info.lines().filter(l -> l.startsWith("db0:")).findFirst().orElseThrow();
        // avg_ttl is Redis's running estimate (Tiercel keeps none and says 0): only its form.
        assertThat(db0).matches("db0:keys=\\d+,expires=\\d+,avg_ttl=\\d+");
        lines.add(db0.replaceFirst("avg_ttl=\\d+", "avg_ttl=N"));
      }
      assertThat(lines.get(0)).isEqualTo("db0:keys=5,expires=3,avg_ttl=N").isEqualTo(lines.get(1));
    }
  }

  /**
   * OBJECT FREQ depends on the eviction policy, which the case file cannot set differently on the
   * two servers: Redis's allkeys-lru against a Tiercel lru (then arc) cache must give the same
   * error, and allkeys-lfu against tinylfu an integer each (Redis's logarithmic counter, Tiercel's
   * sketch estimate). Missing keys answer nil under every policy. Both servers get their policy
   * back at the end, since they outlive the test.
   */
  @Test
  void objectFreqAnswersAsRedisUnderAnLruAndAnLfuPolicy() throws Exception {
    try (RawClient t = RawClient.tcp(servers.tiercel.port());
        RawClient r = RawClient.tcp(servers.redis.port())) {
      String tiercelPolicy = t.command("CONFIG", "GET", "maxmemory-policy").reply().children()
          .get(1).text();
      String redisPolicy = r.command("CONFIG", "GET", "maxmemory-policy").reply().children()
          .get(1).text();
      try {
        for (RawClient c : List.of(t, r)) {
          assertThat(c.command("SET", "freq:k", "v").reply().raw()).isEqualTo("+OK\r\n");
        }
        assertThat(r.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru").reply().raw())
            .isEqualTo("+OK\r\n");
        for (String policy : List.of("lru", "arc")) {
          assertThat(t.command("CONFIG", "SET", "maxmemory-policy", policy).reply().raw())
              .isEqualTo("+OK\r\n");
          RespValue mine = t.command("OBJECT", "FREQ", "freq:k").reply();
          assertThat(mine.isError()).as(policy).isTrue();
          assertThat(mine.raw()).as(policy)
              .isEqualTo(r.command("OBJECT", "FREQ", "freq:k").reply().raw());
          assertThat(t.command("OBJECT", "FREQ", "freq:none").reply().raw()).as(policy)
              .isEqualTo(r.command("OBJECT", "FREQ", "freq:none").reply().raw())
              .isEqualTo("$-1\r\n");
        }

        assertThat(r.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu").reply().raw())
            .isEqualTo("+OK\r\n");
        assertThat(t.command("CONFIG", "SET", "maxmemory-policy", "tinylfu").reply().raw())
            .isEqualTo("+OK\r\n");
        for (RawClient c : List.of(t, r)) {
          RespValue frequency = c.command("OBJECT", "FREQ", "freq:k").reply();
          assertThat(frequency.type()).as(frequency.printable()).isEqualTo(':');
          assertThat(Long.parseLong(frequency.text())).isNotNegative();
          assertThat(c.command("OBJECT", "FREQ", "freq:none").reply().raw()).isEqualTo("$-1\r\n");
        }
      } finally {
        t.command("CONFIG", "SET", "maxmemory-policy", tiercelPolicy).reply();
        r.command("CONFIG", "SET", "maxmemory-policy", redisPolicy).reply();
        for (RawClient c : List.of(t, r)) {
          c.command("DEL", "freq:k").reply();
        }
      }
    }
  }

  /** Runs a case; a missing reply or a closed connection becomes a {@code !} pseudo reply. */
  private static RespValue runOrFailure(RawClient client, CompatCase c) throws IOException {
    try {
      return run(client, c);
    } catch (IOException e) {
      String text = e.getClass().getSimpleName() + ": " + e.getMessage();
      return new RespValue('!', text, List.of(), "!" + text);
    }
  }

  private static RespValue run(RawClient client, CompatCase c) throws IOException {
    if (c.has("raw")) {
      return client.send(c.args().get(0)).reply();
    }
    if (c.has("scanall")) {
      return scanAll(client, c.args());
    }
    return client.command(c.args()).reply();
  }

  /** Runs a SCAN to the end and returns the keys seen, as a sorted array without repeats. */
  private static RespValue scanAll(RawClient client, List<byte[]> args) throws IOException {
    List<byte[]> call = new ArrayList<>(args);
    TreeSet<String> keys = new TreeSet<>();
    for (int i = 0; i < MAX_SCAN_CALLS; i++) {
      RespValue reply = client.command(call).reply();
      if (reply.type() != '*') {
        return reply;
      }
      reply.children().get(1).children().forEach(k -> keys.add(k.text()));
      String cursor = reply.children().get(0).text();
      if (cursor.equals("0")) {
        StringBuilder sb = new StringBuilder("*").append(keys.size()).append("\r\n");
        keys.forEach(k -> sb.append('$').append(k.length()).append("\r\n").append(k)
            .append("\r\n"));
        return RespValue.read(
            new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.ISO_8859_1)));
      }
      call.set(1, cursor.getBytes(StandardCharsets.US_ASCII));
    }
    throw new AssertionError("SCAN did not end after " + MAX_SCAN_CALLS + " calls");
  }

  /**
   * Compares two {@code COMMAND DOCS} replies by the shape clients read (Jedis's
   * {@code CommandDocument}, redis-py's {@code command_docs}): a map (RESP3) or flat name/doc pairs
   * (RESP2) naming the same commands; for each, a map of fields with summary, since and group,
   * every field one Redis sends too, of the same reply type, and the same group. Values that
   * describe the implementation (summary, since, complexity) are not compared, and Redis's
   * fields Tiercel leaves out (complexity, arguments, history...) are optional for clients.
   */
  static String docsDifference(RespValue mine, RespValue theirs) {
    if (mine.type() != theirs.type()) {
      return "types differ";
    }
    Map<String, RespValue> tiercel = pairs(mine);
    Map<String, RespValue> redis = pairs(theirs);
    if (!tiercel.keySet().equals(redis.keySet())) {
      return "documented commands differ";
    }
    for (Map.Entry<String, RespValue> e : tiercel.entrySet()) {
      RespValue doc = e.getValue();
      RespValue redisDoc = redis.get(e.getKey());
      if (doc.type() != redisDoc.type()) {
        return e.getKey() + ": doc types differ";
      }
      Map<String, RespValue> fields = pairs(doc);
      Map<String, RespValue> redisFields = pairs(redisDoc);
      if (!fields.keySet().containsAll(List.of("summary", "since", "group"))) {
        return e.getKey() + ": summary, since or group missing";
      }
      for (Map.Entry<String, RespValue> f : fields.entrySet()) {
        RespValue theirsField = redisFields.get(f.getKey());
        if (theirsField == null || theirsField.type() != f.getValue().type()) {
          return e.getKey() + ": field " + f.getKey() + " absent from Redis's or of another type";
        }
      }
      if (!fields.get("group").text().equals(redisFields.get("group").text())) {
        return e.getKey() + ": group differs";
      }
    }
    return null;
  }

  /** Returns a map reply's (or a RESP2 flat pair array's) entries, keyed by their text. */
  private static Map<String, RespValue> pairs(RespValue v) {
    Map<String, RespValue> map = new LinkedHashMap<>();
    List<RespValue> kids = v.children();
    for (int i = 0; i + 1 < kids.size(); i += 2) {
      map.put(kids.get(i).text(), kids.get(i + 1));
    }
    return map;
  }

  /** Returns why the two replies differ under the case's rules, or null if they agree. */
  static String difference(CompatCase c, RespValue mine, RespValue theirs) {
    if (c.has("unknown")) {
      if (!mine.isError() || !mine.text().startsWith("ERR unknown command '")) {
        return "Tiercel must answer unknown command";
      }
      return theirs.isError() ? null : "Redis was expected to fail too";
    }
    if (c.has("type")) {
      return mine.type() == theirs.type() ? null : "types differ";
    }
    if (c.has("prefix")) {
      if (!mine.isError() || !theirs.isError()) {
        return "not both errors";
      }
      int dash = theirs.text().indexOf(" - ");
      String prefix = dash < 0 ? theirs.text() : theirs.text().substring(0, dash + 3);
      return mine.text().startsWith(prefix) ? null : "differ before the reason";
    }
    if (c.has("docs")) {
      return docsDifference(mine, theirs);
    }
    if (c.has("near")) {
      if (mine.type() != ':' || theirs.type() != ':') {
        return mine.raw().equals(theirs.raw()) ? null : "not both integers";
      }
      long gap = Math.abs(Long.parseLong(mine.text()) - Long.parseLong(theirs.text()));
      return gap <= c.near() ? null : "apart by " + gap;
    }
    if (c.has("unordered")) {
      return mine.sorted().raw().equals(theirs.sorted().raw()) ? null : "differ, sorted";
    }
    return mine.raw().equals(theirs.raw()) ? null : "differ";
  }
}
