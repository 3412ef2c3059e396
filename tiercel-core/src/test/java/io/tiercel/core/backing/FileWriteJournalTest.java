package io.tiercel.core.backing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.FsyncPolicy;
import io.tiercel.core.ManualClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWriteJournalTest {
  @TempDir Path dir;

  private final ManualClock clock = new ManualClock();

  private FileWriteJournal open(Path p, FsyncPolicy policy) throws IOException {
    return new FileWriteJournal(p, policy, clock);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> replay(FileWriteJournal j) throws IOException {
    List<String> out = new ArrayList<>();
    j.replay((k, v) -> out.add(new String(k, StandardCharsets.UTF_8) + "="
        + (v == null ? "<deleted>" : new String(v, StandardCharsets.UTF_8))));
    return out;
  }

  @Test
  void recordsSurviveReopeningInOrderWithDeletes() throws IOException {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = open(p, FsyncPolicy.ALWAYS)) {
      j.append(b("a"), b("1"));
      j.append(b("b"), b(""));
      j.append(b("a"), null);
    }
    try (FileWriteJournal j = open(p, FsyncPolicy.ALWAYS)) {
      assertThat(replay(j)).containsExactly("a=1", "b=", "a=<deleted>");
    }
  }

  @Test
  void tornTailIsCutAndLaterAppendsFollowTheLastGoodRecord() throws IOException {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = open(p, FsyncPolicy.ALWAYS)) {
      j.append(b("a"), b("1"));
      j.append(b("b"), b("2"));
    }
    long size = Files.size(p);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3);
    }
    try (FileWriteJournal j = open(p, FsyncPolicy.ALWAYS)) {
      assertThat(replay(j)).containsExactly("a=1");
      j.append(b("c"), b("3"));
    }
    try (FileWriteJournal j = open(p, FsyncPolicy.ALWAYS)) {
      assertThat(replay(j)).containsExactly("a=1", "c=3");
    }
  }

  @Test
  void corruptedRecordStopsReplayAtItsCrc() throws IOException {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = open(p, FsyncPolicy.NO)) {
      j.append(b("a"), b("1"));
      j.append(b("b"), b("2"));
    }
    int first = FileWriteJournal.encode(b("a"), b("1")).remaining();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), first + 13);
    }
    try (FileWriteJournal j = open(p, FsyncPolicy.NO)) {
      assertThat(replay(j)).containsExactly("a=1");
    }
  }

  @Test
  void resetEmptiesAndRewriteKeepsOnlyPendingWrites() throws IOException {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = open(p, FsyncPolicy.ALWAYS)) {
      j.append(b("a"), b("1"));
      j.reset();
      assertThat(j.sizeBytes()).isZero();
      j.append(b("b"), b("2"));
      j.append(b("b"), b("3"));
      j.rewrite(List.of(new PendingWrite(b("b"), b("3"), false)));
      j.sync(j.append(b("c"), null));
      assertThat(replay(j)).containsExactly("b=3", "c=<deleted>");
    }
  }

  private static long encoded(String key, String value) {
    return FileWriteJournal.encode(b(key), b(value)).remaining();
  }

  /** Replays the file through a second journal, as the next process would after a SIGKILL. */
  private List<String> replayFromAnotherOpen(Path p) throws IOException {
    Path copy = dir.resolve("copy-" + System.identityHashCode(new Object()));
    Files.copy(p, copy);
    try (FileWriteJournal other = open(copy, FsyncPolicy.NO)) {
      return replay(other);
    }
  }

  @Test
  void appendTouchesNoFileAndOneSyncWritesEveryRecordAppendedMeanwhile() throws IOException {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = open(p, FsyncPolicy.EVERYSEC)) {
      long a = j.append(b("a"), b("1"));
      long bTicket = j.append(b("b"), b("2"));
      j.append(b("c"), b("3"));
      assertThat(bTicket).isGreaterThan(a);
      assertThat(Files.size(p)).as("append buffers only").isZero();
      j.sync(a);
      assertThat(Files.size(p)).as("the leader wrote the whole group, c included")
          .isEqualTo(encoded("a", "1") + encoded("b", "2") + encoded("c", "3"));
      assertThat(replayFromAnotherOpen(p)).containsExactly("a=1", "b=2", "c=3");
    }
  }

  @Test
  void whenDurableCompletesOnceTheRecordIsInTheFileWithoutTheCallerWriting() throws Exception {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = open(p, FsyncPolicy.EVERYSEC)) {
      long t = j.append(b("k"), b("v"));
      j.whenDurable(t).get(30, TimeUnit.SECONDS);
      assertThat(replayFromAnotherOpen(p)).containsExactly("k=v");
      assertThat(j.whenDurable(t).isDone()).as("an already durable ticket").isTrue();
    }
  }

  @Test
  void alwaysFsyncsBeforeTheAckAndEverysecWithinASecondOfTheClock() throws Exception {
    try (FileWriteJournal j = open(dir.resolve("always"), FsyncPolicy.ALWAYS)) {
      long t = j.append(b("a"), b("1"));
      j.sync(t);
      assertThat(j.syncedTicket()).isEqualTo(t);
    }
    try (FileWriteJournal j = open(dir.resolve("everysec"), FsyncPolicy.EVERYSEC)) {
      long t = j.append(b("a"), b("1"));
      j.sync(t);
      assertThat(j.syncedTicket()).as("written to the OS, not yet forced").isLessThan(t);
      clock.advance(java.time.Duration.ofMillis(1000));
      for (int i = 0; i < 3000 && j.syncedTicket() < t; i++) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      assertThat(j.syncedTicket()).as("forced by the committer once the second passed")
          .isEqualTo(t);
    }
  }

  @Test
  void ticketsIssuedBeforeAResetCountAsDurable() throws Exception {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = open(p, FsyncPolicy.ALWAYS)) {
      long t = j.append(b("a"), b("1"));
      j.reset();
      assertThat(j.whenDurable(t).get(30, TimeUnit.SECONDS)).isNull();
      j.sync(t);
      assertThat(Files.size(p)).isZero();
    }
  }

  @Test
  void concurrentWritersShareWritesAndLoseNoRecord() throws Exception {
    Path p = dir.resolve("j");
    int threads = 8;
    int each = 500;
    try (FileWriteJournal j = open(p, FsyncPolicy.ALWAYS)) {
      List<Thread> ts = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int writer = w;
        Thread t = new Thread(() -> {
          try {
            for (int i = 0; i < each; i++) {
              j.sync(j.append(b("w" + writer), b(Integer.toString(i))));
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        t.start();
        ts.add(t);
      }
      for (Thread t : ts) {
        t.join(TimeUnit.MINUTES.toMillis(2));
      }
      List<String> records = replayFromAnotherOpen(p);
      assertThat(records).hasSize(threads * each);
      for (int w = 0; w < threads; w++) {
        String prefix = "w" + w + "=";
        assertThat(records.stream().filter(r -> r.startsWith(prefix)).toList())
            .as("writer %d's records in its order", w)
            .containsExactlyElementsOf(java.util.stream.IntStream.range(0, each)
                .mapToObj(i -> prefix + i).toList());
      }
    }
  }
}
