package io.tiercel.core.backing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWriteJournalTest {
  @TempDir Path dir;

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
    try (FileWriteJournal j = new FileWriteJournal(p, true)) {
      j.append(b("a"), b("1"));
      j.append(b("b"), b(""));
      j.append(b("a"), null);
    }
    try (FileWriteJournal j = new FileWriteJournal(p, true)) {
      assertThat(replay(j)).containsExactly("a=1", "b=", "a=<deleted>");
    }
  }

  @Test
  void tornTailIsCutAndLaterAppendsFollowTheLastGoodRecord() throws IOException {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = new FileWriteJournal(p, true)) {
      j.append(b("a"), b("1"));
      j.append(b("b"), b("2"));
    }
    long size = Files.size(p);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3);
    }
    try (FileWriteJournal j = new FileWriteJournal(p, true)) {
      assertThat(replay(j)).containsExactly("a=1");
      j.append(b("c"), b("3"));
    }
    try (FileWriteJournal j = new FileWriteJournal(p, true)) {
      assertThat(replay(j)).containsExactly("a=1", "c=3");
    }
  }

  @Test
  void corruptedRecordStopsReplayAtItsCrc() throws IOException {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = new FileWriteJournal(p, false)) {
      j.append(b("a"), b("1"));
      j.append(b("b"), b("2"));
    }
    int first = FileWriteJournal.encode(b("a"), b("1")).remaining();
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), first + 13);
    }
    try (FileWriteJournal j = new FileWriteJournal(p, false)) {
      assertThat(replay(j)).containsExactly("a=1");
    }
  }

  @Test
  void resetEmptiesAndRewriteKeepsOnlyPendingWrites() throws IOException {
    Path p = dir.resolve("j");
    try (FileWriteJournal j = new FileWriteJournal(p, true)) {
      j.append(b("a"), b("1"));
      j.reset();
      assertThat(j.sizeBytes()).isZero();
      j.append(b("b"), b("2"));
      j.append(b("b"), b("3"));
      j.rewrite(List.of(new PendingWrite(b("b"), b("3"), false)));
      j.append(b("c"), null);
      assertThat(replay(j)).containsExactly("b=3", "c=<deleted>");
    }
  }
}
