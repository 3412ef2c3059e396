package io.tiercel.core.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UnrecordedResidentsTest {

  /** Visits nodes whose hashes are {@code from} to {@code to - 1}, spread by TestNode. */
  private static Consumer<Consumer<PolicyNode>> nodes(int from, int to) {
    return action -> IntStream.range(from, to).forEach(key -> action.accept(new TestNode(key, 1)));
  }

  @Test
  void largeCacheRemembersEveryResidentUntilDropped() {
    UnrecordedResidents residents = new UnrecordedResidents();
    residents.take(20_000, 10_000, nodes(0, 10_000));

    assertThat(residents.isTaken()).isTrue();
    assertThat(residents.bytes()).isEqualTo(2_048 * 8);
    assertThat(IntStream.range(0, 10_000).allMatch(k -> residents.mightContain(TestNode.hashOf(k))))
        .isTrue();

    residents.drop();

    assertThat(residents.mightContain(TestNode.hashOf(0))).isFalse();
    assertThat(residents.bytes()).isZero();
    assertThat(residents.isTaken()).isTrue();
  }

  @Test
  void fewOtherKeysAreMistakenForResidents() {
    UnrecordedResidents residents = new UnrecordedResidents();
    residents.take(20_000, 10_000, nodes(0, 10_000));

    long mistaken = IntStream.range(10_000, 20_000)
        .filter(k -> residents.mightContain(TestNode.hashOf(k)))
        .count();

    // Two probes into 8 bits per resident: about 5 % false positives
    assertThat(mistaken).isLessThan(1_000);
  }

  @Test
  void smallCacheRemembersNoResidents() {
    UnrecordedResidents residents = new UnrecordedResidents();
    residents.take(UnrecordedResidents.SMALL_CACHE_ENTRIES, 8_192, nodes(0, 8_192));

    assertThat(residents.isTaken()).isTrue();
    assertThat(residents.bytes()).isZero();
    assertThat(residents.mightContain(TestNode.hashOf(0))).isFalse();
  }
}
