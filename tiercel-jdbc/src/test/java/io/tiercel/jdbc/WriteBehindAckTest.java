package io.tiercel.jdbc;

import static io.tiercel.jdbc.StoreFixture.b;
import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.Clock;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.core.backing.FileWriteJournal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A write-behind write is acknowledged only once its journal record is in the file (so a
 * SIGKILL after the ack loses nothing), whether the caller blocks or takes the node's
 * asynchronous path, under every journal fsync policy; the database is not touched before the
 * flush.
 */
class WriteBehindAckTest {

  /** Returns the journal's records as the next process would replay them after a SIGKILL. */
  private static List<String> replayCopy(Path journal) throws IOException {
    Path copy = journal.resolveSibling("copy-" + System.nanoTime());
    Files.copy(journal, copy);
    List<String> out = new ArrayList<>();
    try (FileWriteJournal j = new FileWriteJournal(copy, FsyncPolicy.NO, Clock.system())) {
      j.replay((k, v) -> out.add(new String(k, StandardCharsets.UTF_8) + "="
          + (v == null ? "<deleted>" : new String(v, StandardCharsets.UTF_8))));
    }
    return out;
  }

  private static BackedCache open(String url, String table, String fsync, Path journal) {
    return StoreFixture.open("acks", "store=" + url + ",mode=write-behind,flush-interval=1h"
        + ",table=" + table + ",fsync=" + fsync, CacheConfig.defaults(),
        new JdbcBackingStore(url, table, "k", "v", 2), journal, Clock.system());
  }

  @ParameterizedTest(name = "fsync={0}")
  @ValueSource(strings = {"always", "everysec", "no"})
  void blockingWriteReturnsOnlyOnceItsRecordIsInTheJournalFile(String fsync) throws Exception {
    String url = Databases.SQLITE.url();
    String table = Databases.freshTable();
    Path journal = StoreFixture.journalPath();
    try (BackedCache c = open(url, table, fsync, journal)) {
      c.put(b("a"), b("1"));
      c.remove(b("a"));
      c.put(b("b"), b("2"));
      assertThat(replayCopy(journal)).containsExactly("a=1", "a=<deleted>", "b=2");
      assertThat(Databases.select(url, table, b("b"))).as("not flushed yet").isNull();
    }
  }

  @ParameterizedTest(name = "fsync={0}")
  @ValueSource(strings = {"always", "everysec"})
  void submittedWriteCompletesOnlyOnceItsRecordIsInTheJournalFile(String fsync)
      throws Exception {
    String url = Databases.SQLITE.url();
    String table = Databases.freshTable();
    Path journal = StoreFixture.journalPath();
    try (BackedCache c = open(url, table, fsync, journal)) {
      for (int i = 0; i < 20; i++) {
        byte[] key = b("k" + i);
        byte[] value = b("v" + i);
        assertThat(c.submit(key, () -> {
          c.put(key, value);
          return "OK";
        }).get(30, TimeUnit.SECONDS)).isEqualTo("OK");
        assertThat(replayCopy(journal)).as("after the ack of write %d", i).hasSize(i + 1)
            .endsWith("k" + i + "=v" + i);
      }
    }
  }
}
