package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.Cache;
import java.util.HashSet;
import java.util.Set;

/** The store's own books after a concurrent run, checked once every thread has stopped. */
final class StoreBooks {
  private StoreBooks() {}

  /**
   * Asserts that a scan reaches every counted entry exactly once, the weight stays within
   * {@code budget} and the policy holds exactly the table's weight; returns the keys reached.
   */
  static Set<String> assertBalanced(Cache cache, long budget) {
    cache.cleanUp();
    Set<String> reachable = new HashSet<>();
    long cursor = 0;
    do {
      cursor = cache.scan(cursor, 1000, k -> assertThat(reachable.add(new String(k))).isTrue());
    } while (cursor != 0);
    assertThat(cache.size()).isEqualTo(reachable.size());
    assertThat(cache.weightedSize()).isLessThanOrEqualTo(budget);
    BoundedCache store = (BoundedCache) cache;
    assertThat(store.policyWeightForTesting()).isEqualTo(store.tableWeightForTesting());
    return reachable;
  }
}
