package io.tiercel.core.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {

  private static FrequencySketch sketchFor(int entries) {
    FrequencySketch sketch = new FrequencySketch();
    sketch.ensureCapacity(entries);
    return sketch;
  }

  @Test
  void uninitializedSketchCountsNothing() {
    FrequencySketch sketch = new FrequencySketch();
    sketch.increment(1);

    assertThat(sketch.isNotInitialized()).isTrue();
    assertThat(sketch.frequency(1)).isZero();
    assertThat(sketch.bytes()).isZero();
  }

  @Test
  void countersSaturateAtFifteen() {
    FrequencySketch sketch = sketchFor(512);
    for (int i = 0; i < 100; i++) {
      sketch.increment(42);
      assertThat(sketch.frequency(42)).isEqualTo(Math.min(i + 1, 15));
    }
  }

  @Test
  void saturatedIncrementsDoNotCountTowardsAging() {
    FrequencySketch sketch = sketchFor(512);
    for (int i = 0; i < 100; i++) {
      sketch.increment(42);
    }

    assertThat(sketch.size()).isEqualTo(15);
  }

  @Test
  void resetHalvesEveryCounter() {
    FrequencySketch sketch = sketchFor(512);
    for (int i = 0; i < 15; i++) {
      sketch.increment(1);
    }
    for (int i = 0; i < 6; i++) {
      sketch.increment(2);
    }
    sketch.increment(3);
    sketch.reset();

    assertThat(sketch.frequency(1)).isEqualTo(7);
    assertThat(sketch.frequency(2)).isEqualTo(3);
    assertThat(sketch.frequency(3)).isZero();
  }

  @Test
  void countersAgeByHalvingAfterTenIncrementsPerEntry() {
    FrequencySketch sketch = sketchFor(100);
    assertThat(sketch.sampleSize()).isEqualTo(1_000);
    for (int i = 0; i < 15; i++) {
      sketch.increment(-1);
    }
    int key = 0;
    while (sketch.size() >= 15 && sketch.size() < sketch.sampleSize() - 1) {
      sketch.increment(TestNode.hashOf(key++));
    }
    assertThat(sketch.frequency(-1)).isEqualTo(15);

    assertThat(sketch.size()).isEqualTo(999);

    // The increment that fills the sample halves everything
    sketch.increment(TestNode.hashOf(key));
    assertThat(sketch.frequency(-1)).isEqualTo(7);
    assertThat(sketch.size()).isLessThanOrEqualTo(sketch.sampleSize() / 2);
  }

  @Test
  void estimatesNeverUnderCountAndRarelyOverCount() {
    int entries = 4_096;
    FrequencySketch sketch = sketchFor(entries);
    for (int key = 0; key < entries; key++) {
      for (int i = 0; i <= key % 3; i++) {
        sketch.increment(TestNode.hashOf(key));
      }
    }
    int exact = 0;
    for (int key = 0; key < entries; key++) {
      int frequency = sketch.frequency(TestNode.hashOf(key));
      assertThat(frequency).isGreaterThanOrEqualTo(key % 3 + 1);
      if (frequency == key % 3 + 1) {
        exact++;
      }
    }
    assertThat(exact).isGreaterThan(entries * 9 / 10);
  }

  @Test
  void tableIsAPowerOfTwoOfEightToSixteenBytesPerEntryAndOnlyGrows() {
    FrequencySketch sketch = sketchFor(1_000);
    assertThat(sketch.bytes()).isEqualTo(8 * 1_024);
    sketch.increment(5);

    sketch.ensureCapacity(600);
    assertThat(sketch.bytes()).isEqualTo(8 * 1_024);
    assertThat(sketch.frequency(5)).isEqualTo(1);

    sketch.ensureCapacity(1_025);
    assertThat(sketch.bytes()).isEqualTo(8 * 2_048);
    assertThat(sketch.sampleSize()).isEqualTo(10_250);
    assertThat(sketch.frequency(5)).as("growing keeps estimates").isEqualTo(1);

    for (int entries : new int[] {1, 7, 1_000, 1_024, 1_025, 100_000}) {
      double perEntry = (double) sketchFor(entries).bytes() / entries;
      if (entries >= 8) {
        assertThat(perEntry).isBetween(8.0, 16.0);
      }
    }
  }

  @Test
  void growingByDuplicationKeepsEveryEstimate() {
    FrequencySketch sketch = sketchFor(64);
    for (int key = 0; key < 2_000; key++) {
      for (int i = 0; i <= key % 4; i++) {
        sketch.increment(key * 0x9E3779B9);
      }
    }
    int[] before = new int[2_000];
    for (int key = 0; key < before.length; key++) {
      before[key] = sketch.frequency(key * 0x9E3779B9);
    }

    sketch.ensureCapacity(5_000, 64);

    assertThat(sketch.bytes()).isEqualTo(8 * 8_192);
    for (int key = 0; key < before.length; key++) {
      assertThat(sketch.frequency(key * 0x9E3779B9)).isEqualTo(before[key]);
    }
  }

  @Test
  void agingPeriodFollowsTheExpectedEntriesNotTheTable() {
    FrequencySketch sketch = new FrequencySketch();
    sketch.ensureCapacity(4_096, 100_000);

    assertThat(sketch.bytes()).isEqualTo(8 * 4_096);
    assertThat(sketch.sampleSize()).isEqualTo(1_000_000);
  }

  @Test
  void negativeCapacityIsRejected() {
    assertThatThrownBy(() -> new FrequencySketch().ensureCapacity(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
