package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;

/** The memory budget is only honest if the accounted sizes are the real ones; JOL measures them. */
class EntrySizesTest {
  @Test
  void entryObjectSizeMatchesTheJvmLayout() {
    Entry entry = new Entry(Entry.layout(new byte[5], new byte[5]), 1);
    assertThat(ClassLayout.parseInstance(entry).instanceSize()).isEqualTo(EntrySizes.ENTRY);
  }

  @Test
  void timedEntryObjectSizeMatchesTheJvmLayout() {
    TimedEntry entry = new TimedEntry(Entry.layout(new byte[5], new byte[5]), 1, 99);
    assertThat(ClassLayout.parseInstance(entry).instanceSize()).isEqualTo(EntrySizes.TIMED_ENTRY);
  }

  @Test
  void arraySizeMatchesTheJvmLayout() {
    for (int length : new int[] {0, 1, 7, 110, 4093}) {
      assertThat(ClassLayout.parseInstance(new byte[length]).instanceSize())
          .as("byte[%d]", length)
          .isEqualTo(EntrySizes.arrayBytes(length));
    }
  }

  @Test
  void testJvmUsesCompactHeadersAsProductionDoes() {
    assertThat(EntrySizes.COMPACT_HEADERS).isTrue();
    assertThat(EntrySizes.ENTRY).isEqualTo(24);
    assertThat(EntrySizes.TIMED_ENTRY).isEqualTo(40);
  }
}
